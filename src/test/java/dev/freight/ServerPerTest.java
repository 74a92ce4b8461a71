package dev.freight;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A test class whose every test gets a server of its own, on a new database. */
public abstract class ServerPerTest {
  protected TestServer server;
  protected Client admin;

  @BeforeEach
  void startServer() {
    server = TestServer.start();
    admin = server.admin();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }
}
