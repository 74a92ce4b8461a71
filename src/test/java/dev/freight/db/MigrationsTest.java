package dev.freight.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MigrationsTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static Pool freshDatabase(String name) {
    TestServer.sql("CREATE DATABASE " + name);
    return Database.pool(vertx, TestServer.url(name), 4);
  }

  @Test
  void aSecondRunAppliesNothing() {
    Pool pool = freshDatabase("migrations_rerun");
    List<Migrations.Migration> all = Migrations.load();
    assertThat(all).isNotEmpty();
    assertThat(Migrations.run(pool, all).await()).isEqualTo(all.size());
    assertThat(Migrations.run(pool, all).await()).isZero();
    long recorded = pool.query("SELECT count(*) FROM freight_schema_version").execute().await()
        .iterator().next().getLong(0);
    assertThat(recorded).isEqualTo(all.size());
    pool.close().await();
  }

  @Test
  void instancesStartingTogetherTakeTurns() {
    Pool first = freshDatabase("migrations_race");
    Pool second = Database.pool(vertx, TestServer.url("migrations_race"), 4);
    List<Migrations.Migration> all = Migrations.load();
    List<Integer> applied = Future.all(Migrations.run(first, all), Migrations.run(second, all)).await().list();
    assertThat(applied).containsExactlyInAnyOrder(all.size(), 0);
    first.close().await();
    second.close().await();
  }
}
