package dev.freight.imports;

import dev.freight.library.ContentHash;
import dev.freight.library.ContentModel;
import dev.freight.library.ContentModels;
import dev.freight.library.Field;
import dev.freight.library.FieldType;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The diff of one job's file for one content model, computed batch by batch while the file is still
 * being read. Each batch is compared with the library in two steps: first only its ids and content
 * digests ({@link ContentHash}), which finds the unchanged items (most of a typical file) from the
 * library's key index alone and notes the ids in an unlogged table (rebuilt on a retry), searched
 * for duplicates once the file is read; then the full rows of the rest, to store their changes. The
 * library cannot change meanwhile: only the one active import changes it. Every statement is
 * derived from the model's fields, so a new model needs no code here.
 */
final class BatchDiff {
  /** Diff operations as stored: the order the API lists them in. */
  static final int ADD = 1;

  static final int UPDATE = 2;
  static final int DELETE = 3;

  /** A known item given again unchanged; counted, not stored. */
  private static final int SAME = 0;

  /**
   * The import instruction to delete the item with the row's id (see {@link
   * ContentModels#STANDARD}).
   */
  private static final String MARK_DELETE = "mark_delete";

  private static final String WORK_MEM = "128MB";

  /**
   * Appended to each of a run's writes: it writes only while it still holds the job. The job row is
   * key-share-locked: a newer run's claim (which locks it FOR UPDATE to raise the token) waits for
   * a write under way, and a write after the claim finds the token moved on and writes nothing; the
   * run's own progress updates do not conflict with it.
   */
  static final String WHILE_HELD =
      " EXISTS (SELECT 1 FROM import_jobs WHERE id = $%d AND run_token = $%d FOR KEY SHARE)";

  private final Pool pool;
  private final long jobId;
  private final long runToken;
  private final ContentModel model;
  private final String keysOfJob;
  private final String keys;
  private final String probe;
  private final String sql;
  private long add;
  private long update;
  private long delete;
  private long unchanged;

  BatchDiff(Pool pool, long jobId, long runToken, ContentModel model) {
    this.pool = pool;
    this.jobId = jobId;
    this.runToken = runToken;
    this.model = model;
    // Safe to splice: ids and tokens are numbers, model names are checked to be plain SQL names.
    // One table per run: an older run still going (its node lost the job) cannot touch this one.
    this.keysOfJob = "import_keys_" + jobId + "_";
    this.keys = keysOfJob + runToken + "_" + model.name();
    this.probe = probe();
    this.sql = statement();
  }

  /**
   * Drops what earlier runs of the job may have left, and creates the empty id table; without an
   * index, since one duplicate search at the end costs a fraction of keeping a million ids indexed.
   */
  Future<Void> create() {
    return pool.preparedQuery(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                + " AND starts_with(tablename, $1) AND tablename LIKE $2")
        .execute(Tuple.of(keysOfJob, "%\\_" + model.name()))
        .compose(
            left -> {
              List<String> tables = new ArrayList<>();
              left.forEach(row -> tables.add(row.getString(0)));
              return tables.isEmpty()
                  ? Future.succeededFuture()
                  : pool.query("DROP TABLE IF EXISTS " + String.join(", ", tables)).execute();
            })
        .compose(
            dropped ->
                pool.query(
                        "CREATE UNLOGGED TABLE "
                            + keys
                            + " (key "
                            + model.key().type().sqlType()
                            + " NOT NULL, entry bigint NOT NULL)")
                    .execute())
        .mapEmpty();
  }

  String modelName() {
    return model.name();
  }

  Future<Void> drop() {
    return pool.query("DROP TABLE IF EXISTS " + keys).execute().mapEmpty();
  }

  /**
   * Compares one batch with the library; its changes are stored unless {@code store} is false (the
   * job already has problems and will fail: its ids are still noted, to report duplicates). Its
   * rows with problems are stored either way, for the errors file.
   */
  Future<Void> compare(Batch batch, boolean store) {
    Future<Void> bad =
        batch.bad.entries.isEmpty()
            ? Future.succeededFuture()
            : pool.preparedQuery(
                    "INSERT INTO import_bad_rows (job_id, content_model, entry, cells, errors)"
                        // Cells as text: the client would send a String bound as json as a JSON
                        // string.
                        + " SELECT $1, $2, entry, cells::json, errors"
                        + " FROM unnest($3::int8[], $4::text[], $5::text[]) b(entry, cells, errors)"
                        + " WHERE"
                        + String.format(WHILE_HELD, 1, 6))
                .execute(
                    Tuple.of(
                        jobId,
                        model.name(),
                        batch.bad.entries.toArray(Long[]::new),
                        batch.bad.cells.toArray(String[]::new),
                        batch.bad.errors.toArray(String[]::new),
                        runToken))
                .mapEmpty();
    return batch.size() == 0 ? bad : Future.all(bad, compareValid(batch, store)).mapEmpty();
  }

  private Future<Void> compareValid(Batch batch, boolean store) {
    return pool.preparedQuery(probe)
        .execute(batch.probeTuple().addLong(jobId).addLong(runToken))
        .compose(
            rows -> {
              Long[] same = rows.iterator().next().getArrayOfLongs("same");
              unchanged += same == null ? 0 : same.length;
              Batch rest = batch.without(same);
              if (!store || rest.size() == 0) {
                return Future.succeededFuture();
              }
              return pool.preparedQuery(sql)
                  .execute(rest.tuple().addLong(jobId).addString(model.name()).addLong(runToken))
                  .map(
                      counts -> {
                        Row row = counts.iterator().next();
                        add += row.getLong("add");
                        update += row.getLong("update");
                        delete += row.getLong("delete");
                        unchanged += row.getLong("unchanged");
                        return null;
                      });
            });
  }

  /**
   * Runs a query over the whole file's ids: PostgreSQL's default 4 MB of working memory would spill
   * the grouping or sorting of a million ids to disk.
   */
  private Future<RowSet<Row>> withWorkMemory(String sql, Tuple params) {
    return pool.withTransaction(
        conn ->
            conn.query("SET LOCAL work_mem = '" + WORK_MEM + "'")
                .execute()
                .compose(set -> conn.preparedQuery(sql).execute(params)));
  }

  /**
   * Ids given more than once in the file, with the entries that gave them (at most {@code limit}).
   */
  Future<List<Row>> duplicates(int limit) {
    return withWorkMemory(
            "SELECT key, array_agg(entry ORDER BY entry) AS entries FROM "
                + keys
                + " GROUP BY key HAVING count(*) > 1 ORDER BY min(entry) LIMIT $1",
            Tuple.of(limit))
        .map(
            rows -> {
              List<Row> list = new ArrayList<>();
              rows.forEach(list::add);
              return list;
            });
  }

  /**
   * Sync mode: every item of the library whose id the file does not give is deleted, as an entry
   * numbered after the file's last row, in id order, with the reason "absent".
   */
  Future<Void> deleteAbsent() {
    String key = model.key().name();
    return pool.preparedQuery(
            "WITH stored AS (INSERT INTO import_diffs (job_id, content_model, op, entry, original,"
                + " reason) SELECT $1, $2, "
                + DELETE
                + ", (SELECT coalesce(max(entry), 0) FROM "
                + keys
                + ") + row_number() OVER (ORDER BY o."
                + key
                + "), "
                + DiffStates.of(model, "o")
                + ", 'absent' FROM "
                + model.table()
                + " o WHERE NOT EXISTS (SELECT 1 FROM "
                + keys
                + " k WHERE k.key = o."
                + key
                + ") AND"
                + String.format(WHILE_HELD, 1, 3)
                + " RETURNING 1) SELECT count(*) FROM stored")
        .execute(Tuple.of(jobId, model.name(), runToken))
        .map(
            counted -> {
              delete += counted.iterator().next().getLong(0);
              return null;
            });
  }

  /**
   * Takes the later rows of every id given more than once out of the diff (skip_invalid): the first
   * row of an id stays. Completes with how many rows were taken out.
   */
  Future<Long> skipLaterDuplicates() {
    return withWorkMemory(
            "WITH later AS (SELECT entry FROM (SELECT entry, row_number()"
                + " OVER (PARTITION BY key ORDER BY entry) AS n FROM "
                + keys
                + ") k WHERE n > 1),"
                + " gone AS (DELETE FROM import_diffs d USING later WHERE"
                + " d.job_id = $1 AND d.content_model = $2 AND d.entry = later.entry AND"
                + String.format(WHILE_HELD, 1, 3)
                + " RETURNING d.op)"
                + " SELECT (SELECT count(*) FROM later) AS later,"
                + " count(*) FILTER (WHERE op = "
                + ADD
                + ") AS add, count(*) FILTER (WHERE op = "
                + UPDATE
                + ") AS update, count(*) FILTER (WHERE op = "
                + DELETE
                + ") AS delete FROM gone",
            Tuple.of(jobId, model.name(), runToken))
        .map(
            rows -> {
              Row row = rows.iterator().next();
              long later = row.getLong("later");
              long removed = row.getLong("add") + row.getLong("update") + row.getLong("delete");
              add -= row.getLong("add");
              update -= row.getLong("update");
              delete -= row.getLong("delete");
              unchanged -= later - removed; // the others were found unchanged, and not stored
              return later;
            });
  }

  /**
   * Stores the counts of the whole file, once it has been compared; {@code skipped}: the rows left
   * out as invalid, or null when the job does not skip them.
   */
  Future<Void> storeCounts(Long skipped) {
    return storeCounts(pool, jobId, runToken, model, add, update, delete, unchanged, skipped);
  }

  /** Stores the counts of a model's diff, while the run still holds the job. */
  static Future<Void> storeCounts(
      Pool pool,
      long jobId,
      long runToken,
      ContentModel model,
      long add,
      long update,
      long delete,
      long unchanged,
      Long skipped) {
    return pool.preparedQuery(
            "INSERT INTO import_diff_counts (job_id, content_model, added, updated, deleted,"
                + " unchanged, skipped) SELECT $1, $2, $3, $4, $5, $6, $8 WHERE"
                + String.format(WHILE_HELD, 1, 7))
        .execute(Tuple.of(jobId, model.name(), add, update, delete, unchanged, runToken, skipped))
        .mapEmpty();
  }

  /** The columns of the file's rows with problems, for the errors file to name. */
  Future<Void> storeBadColumns(String fileName, Collection<String> columns) {
    return pool.preparedQuery(
            "INSERT INTO import_bad_columns (job_id, content_model, file_name, columns)"
                + " SELECT $1, $2, $3, $4 WHERE"
                + String.format(WHILE_HELD, 1, 5))
        .execute(Tuple.of(jobId, model.name(), fileName, columns.toArray(String[]::new), runToken))
        .mapEmpty();
  }

  /**
   * The first step ($1 entries, $2 ids, $3 content digests, null for rows marked for deletion):
   * notes the ids, and gives the positions (from 0) of the rows whose item is in the library with
   * the same content. The digest is read from the key's index; the table is visited only for index
   * pages not yet marked all-visible.
   */
  private String probe() {
    String key = model.key().name();
    return "WITH b AS (SELECT * FROM unnest($1::int8[], $2::"
        + model.key().type().sqlType()
        + "[], $3::uuid[])"
        + " WITH ORDINALITY AS b(entry, key, hash, pos)),"
        + " seen AS (INSERT INTO "
        + keys
        + " (key, entry) SELECT key, entry FROM b WHERE"
        + String.format(WHILE_HELD, 4, 5)
        + ")"
        + " SELECT array_agg(b.pos - 1) AS same FROM b JOIN "
        + model.table()
        + " o ON o."
        + key
        + " = b.key"
        + " AND o.content_hash = b.hash";
  }

  /**
   * The second step, for the rows the first did not find unchanged ($1 entries, then one array per
   * field, then the digests; then job, model): unknown id → add (unless marked for deletion: then
   * nothing); known id marked for deletion → delete; known id with a different value → update;
   * otherwise unchanged (when digests differ for equal values). Changed rows keep their states as
   * text arrays ({@link DiffStates}); added and updated ones keep their digest, for the apply to
   * write.
   */
  private String statement() {
    List<Field> fields = model.fields();
    List<Field> compared = model.storedFields().stream().filter(f -> f != model.key()).toList();
    String key = model.key().name();
    List<String> arrays = new ArrayList<>(List.of("$1::int8[]"));
    for (Field field : fields) {
      arrays.add("$" + (arrays.size() + 1) + "::" + field.type().sqlType() + "[]");
    }
    arrays.add("$" + (arrays.size() + 1) + "::uuid[]");
    String known = "o." + key + " IS NOT NULL";
    String differs =
        "(" + list(compared, "b.%s") + ") IS DISTINCT FROM (" + list(compared, "o.%s") + ")";
    String job = "$" + (arrays.size() + 1);
    String modelName = "$" + (arrays.size() + 2);
    String held = String.format(WHILE_HELD, arrays.size() + 1, arrays.size() + 3);
    return "WITH b AS (SELECT * FROM unnest("
        + String.join(", ", arrays)
        + ") AS b(entry, "
        + list(fields, "%s")
        + ", digest)),"
        + " j AS (SELECT b AS s, o, CASE WHEN NOT "
        + known
        + " THEN CASE WHEN b."
        + MARK_DELETE
        + " THEN NULL ELSE "
        + ADD
        + " END WHEN b."
        + MARK_DELETE
        + " THEN "
        + DELETE
        + " WHEN "
        + differs
        + " THEN "
        + UPDATE
        + " ELSE "
        + SAME
        + " END AS op FROM b LEFT JOIN "
        + model.table()
        + " o ON o."
        + key
        + " = b."
        + key
        + "),"
        + " stored AS (INSERT INTO import_diffs (job_id, content_model, op, entry, original, new, changed_fields,"
        + " content_hash) SELECT "
        + job
        + ", "
        + modelName
        + ", op, (s).entry,"
        + " CASE WHEN op <> "
        + ADD
        + " THEN "
        + DiffStates.of(model, "o")
        + " END,"
        + " CASE WHEN op <> "
        + DELETE
        + " THEN "
        + DiffStates.of(model, "s")
        + " END,"
        + " CASE WHEN op = "
        + UPDATE
        + " THEN array_remove(ARRAY["
        + compared.stream()
            .map(
                f ->
                    "CASE WHEN (s)."
                        + f.name()
                        + " IS DISTINCT FROM (o)."
                        + f.name()
                        + " THEN '"
                        + f.name()
                        + "' END")
            .collect(Collectors.joining(", "))
        + "], NULL) END,"
        + " CASE WHEN op <> "
        + DELETE
        + " THEN (s).digest END"
        + " FROM j WHERE op > "
        + SAME
        + " AND"
        + held
        + ")"
        + " SELECT count(*) FILTER (WHERE op = "
        + ADD
        + ") AS add, count(*) FILTER (WHERE op = "
        + UPDATE
        + ") AS update, count(*) FILTER (WHERE op = "
        + DELETE
        + ") AS delete,"
        + " count(*) FILTER (WHERE op = "
        + SAME
        + ") AS unchanged FROM j";
  }

  private static String list(List<Field> fields, String pattern) {
    return fields.stream()
        .map(f -> String.format(pattern, f.name()))
        .collect(Collectors.joining(", "));
  }

  /**
   * Column arrays of one batch, filled row by row on a worker thread, and each row's content
   * digest.
   */
  static final class Batch {
    private final ContentModel model;
    private final ContentHash digests;
    private final int markDelete;
    private final List<Long> entries = new ArrayList<>();
    private final List<List<Object>> columns = new ArrayList<>();
    private final List<UUID> hashes = new ArrayList<>();
    private final BadRows bad = new BadRows();

    /** The rows with problems: each one's entry, cells as the file gave them, problems. */
    private static final class BadRows {
      final List<Long> entries = new ArrayList<>();
      final List<String> cells = new ArrayList<>();
      final List<String> errors = new ArrayList<>();
    }

    Batch(ContentModel model, ContentHash digests) {
      this.model = model;
      this.digests = digests;
      this.markDelete = model.fields().indexOf(model.field(MARK_DELETE).orElseThrow());
      model.fields().forEach(f -> columns.add(new ArrayList<>()));
    }

    /**
     * A valid row's values, in model order; a row marked for deletion gets no digest, so it never
     * looks unchanged.
     */
    void add(long entry, List<Object> values) {
      entries.add(entry);
      for (int i = 0; i < values.size(); i++) {
        columns.get(i).add(values.get(i));
      }
      hashes.add(Boolean.TRUE.equals(values.get(markDelete)) ? null : digests.of(values));
    }

    /** A row with problems: its cells as a JSON object, its problems as one text. */
    void addBad(long entry, String cells, String errors) {
      bad.entries.add(entry);
      bad.cells.add(cells);
      bad.errors.add(errors);
    }

    /** How many valid rows. */
    int size() {
      return entries.size();
    }

    /** The rows but those at {@code positions} (null: none). */
    Batch without(Long[] positions) {
      if (positions == null) {
        return this;
      }
      boolean[] skip = new boolean[size()];
      for (Long position : positions) {
        skip[position.intValue()] = true;
      }
      Batch rest = new Batch(model, digests);
      for (int row = 0; row < skip.length; row++) {
        if (!skip[row]) {
          rest.entries.add(entries.get(row));
          rest.hashes.add(hashes.get(row));
          for (int i = 0; i < columns.size(); i++) {
            rest.columns.get(i).add(columns.get(i).get(row));
          }
        }
      }
      return rest;
    }

    Tuple probeTuple() {
      Tuple tuple = Tuple.tuple().addArrayOfLong(entries.toArray(Long[]::new));
      add(tuple, model.key().type(), columns.get(0));
      return tuple.addArrayOfUUID(hashes.toArray(UUID[]::new));
    }

    Tuple tuple() {
      Tuple tuple = Tuple.tuple().addArrayOfLong(entries.toArray(Long[]::new));
      for (int i = 0; i < columns.size(); i++) {
        add(tuple, model.fields().get(i).type(), columns.get(i));
      }
      return tuple.addArrayOfUUID(hashes.toArray(UUID[]::new));
    }

    private static void add(Tuple tuple, FieldType type, List<Object> column) {
      switch (type) {
        case STRING -> tuple.addArrayOfString(column.toArray(String[]::new));
        case INTEGER -> tuple.addArrayOfInteger(column.toArray(Integer[]::new));
        case BOOLEAN -> tuple.addArrayOfBoolean(column.toArray(Boolean[]::new));
      }
    }
  }
}
