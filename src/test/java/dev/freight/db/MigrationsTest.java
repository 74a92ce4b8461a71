package dev.freight.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.TestServer;
import dev.freight.library.ContentHash;
import dev.freight.library.ContentModels;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
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
    long recorded =
        pool.query("SELECT count(*) FROM freight_schema_version")
            .execute()
            .await()
            .iterator()
            .next()
            .getLong(0);
    assertThat(recorded).isEqualTo(all.size());
    pool.close().await();
  }

  @Test
  void instancesStartingTogetherTakeTurns() {
    Pool first = freshDatabase("migrations_race");
    Pool second = Database.pool(vertx, TestServer.url("migrations_race"), 4);
    List<Migrations.Migration> all = Migrations.load();
    List<Integer> applied =
        Future.all(Migrations.run(first, all), Migrations.run(second, all)).await().list();
    assertThat(applied).containsExactlyInAnyOrder(all.size(), 0);
    first.close().await();
    second.close().await();
  }

  @Test
  void v9DigestsTheItemsAlreadyInTheLibraryAsFreightDoes() {
    Pool pool = freshDatabase("migrations_content_hash");
    List<Migrations.Migration> all = Migrations.load();
    Migrations.run(pool, all.stream().filter(m -> m.version() < 9).toList()).await();
    List<List<Object>> items =
        List.of(
            List.of(
                "PLAIN1", "Plain title", "Text", "P1", 5, "X1", true, "A1 AND !A2;A3", "web,api"),
            List.of(
                "WIDE1",
                "Grüße, 東京, 🔒 and \"quotes\"",
                "line one\nline two\r\n\t🔒🔒",
                "",
                10,
                "",
                false,
                "",
                "ß,é"),
            List.of("LONG1", "L", "x".repeat(10_000), "P12", 1, "D1", true, "A1", ""));
    for (List<Object> item : items) {
      pool.preparedQuery(
              "INSERT INTO standard (id, title, text, problem, priority, phase, active, match_conditions,"
                  + " tags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
          .execute(Tuple.from(item))
          .await();
    }
    Migrations.run(pool, all).await();

    ContentHash java = new ContentHash(ContentModels.STANDARD);
    for (List<Object> item : items) {
      // In model order, with the import instruction mark_delete (not stored) in its place.
      List<Object> values = new ArrayList<>(item);
      values.add(7, false);
      UUID stored =
          pool.preparedQuery("SELECT content_hash FROM standard WHERE id = $1")
              .execute(Tuple.of(item.get(0)))
              .await()
              .iterator()
              .next()
              .getUUID(0);
      assertThat(java.of(values)).as((String) item.get(0)).isEqualTo(stored);
    }
  }

  /**
   * A batch of ids joined with a library of 200,000 (as the diff and the apply join them) is not
   * looked up through a trigram index: V18's on id answered equality too, and the planner took it,
   * each lookup decoding the posting lists of trigrams nearly every id shares (minutes per batch at
   * 1M items under load). Fails with the migrations before V27.
   */
  @Test
  void aBatchOfIdsIsNotJoinedThroughATrigramIndex() {
    Pool pool = freshDatabase("migrations_id_join");
    Migrations.run(pool, Migrations.load()).await();
    pool.query(
            "INSERT INTO standard (id, title, priority, active, content_hash)"
                + " SELECT 'S' || lpad(i::text, 7, '0'), 'Standard ' || i, i % 50, true,"
                + " gen_random_uuid() FROM generate_series(1, 200000) i")
        .execute()
        .compose(inserted -> pool.query("ANALYZE standard").execute())
        .await();
    String ids =
        java.util.stream.IntStream.range(30_000, 35_000)
            .mapToObj(i -> String.format("S%07d", i))
            .collect(java.util.stream.Collectors.joining(","));
    StringBuilder plan = new StringBuilder();
    pool.query(
            "EXPLAIN SELECT count(o.title) FROM unnest('{"
                + ids
                + "}'::text[]) b(id) LEFT JOIN standard o ON o.id = b.id")
        .execute()
        .await()
        .forEach(row -> plan.append(row.getString(0)).append('\n'));
    assertThat(plan.toString()).doesNotContain("trgm");
    pool.close().await();
  }

  @Test
  void v11KeepsTheDiffsOfJobsUnderReview() {
    Pool pool = freshDatabase("migrations_diff_values");
    List<Migrations.Migration> all = Migrations.load();
    Migrations.run(pool, all.stream().filter(m -> m.version() < 11).toList()).await();
    String before =
        "{\"id\": \"T1\", \"title\": \"Grüße \\\"quoted\\\"\", \"text\": \"a\\nb\", \"problem\": \"P1\","
            + " \"priority\": 5, \"phase\": \"X1\", \"active\": true, \"mark_delete\": false, \"match_conditions\": \"\","
            + " \"tags\": \"t\"}";
    String after = before.replace("\"priority\": 5", "\"priority\": 10").replace("true", "false");
    String insert =
        "INSERT INTO import_diffs (job_id, content_model, op, entry, original, new) VALUES (1, 'standard', $1, $2,"
            + " $3::text::json, $4::text::json)";
    pool.preparedQuery(insert).execute(Tuple.of(1, 1L, "{}", before)).await();
    pool.preparedQuery(insert).execute(Tuple.of(2, 2L, before, after)).await();
    pool.preparedQuery(insert).execute(Tuple.of(3, 3L, before, "{}")).await();
    Migrations.run(pool, all).await();

    List<Object> beforeValues =
        List.of("T1", "Grüße \"quoted\"", "a\nb", "P1", "5", "X1", "true", "", "t");
    List<Object> afterValues =
        List.of("T1", "Grüße \"quoted\"", "a\nb", "P1", "10", "X1", "false", "", "t");
    List<List<Object>> states = new ArrayList<>();
    pool.query("SELECT original, new FROM import_diffs ORDER BY entry")
        .execute()
        .await()
        .forEach(
            row -> {
              states.add(
                  row.getArrayOfStrings(0) == null
                      ? null
                      : Arrays.asList((Object[]) row.getArrayOfStrings(0)));
              states.add(
                  row.getArrayOfStrings(1) == null
                      ? null
                      : Arrays.asList((Object[]) row.getArrayOfStrings(1)));
            });
    assertThat(states)
        .containsExactly(null, beforeValues, beforeValues, afterValues, beforeValues, null);
    pool.close().await();
  }
}
