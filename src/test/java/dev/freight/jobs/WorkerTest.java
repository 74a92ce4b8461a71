package dev.freight.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Job work yields the CPU to request handling: an operator sees it as the job threads' NI in top or
 * ps.
 */
class WorkerTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Field 19 of /proc/thread-self/stat, after the command name (which may hold spaces). */
  private static int ownNiceness() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
  }

  @Test
  void jobThreadsRunAtALowerPriorityThanTheEventLoops() throws Exception {
    Worker worker = new Worker(vertx, 2);
    int ordinary =
        vertx.getOrCreateContext().<Integer>executeBlocking(WorkerTest::ownNiceness).await();
    assertThat(worker.run(WorkerTest::ownNiceness).await()).isGreaterThan(ordinary);
    worker.close().await();
  }
}
