package dev.freight;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class with a server of its own: started before its first test, stopped after its last. */
public abstract class ServerTest {
  protected static TestServer server;
  protected static Client admin;

  @BeforeAll
  static void startServer() {
    server = TestServer.start();
    admin = server.admin();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }
}
