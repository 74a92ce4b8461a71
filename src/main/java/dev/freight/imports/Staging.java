package dev.freight.imports;

import dev.freight.library.ContentModel;
import dev.freight.library.Field;
import dev.freight.library.FieldType;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Parsed rows of one job and content model, staged in an unlogged table (it can always be rebuilt
 * from the stored file) and compared with the library in set-based SQL. Every statement is derived
 * from the model's fields, so a new model needs no code here.
 */
final class Staging {
  /** Diff operations as stored: the order the API lists them in. */
  static final int ADD = 1;
  static final int UPDATE = 2;
  static final int DELETE = 3;
  private static final String WORK_MEM = "128MB";

  private final Pool pool;
  private final long jobId;
  private final ContentModel model;
  private final String table;

  Staging(Pool pool, long jobId, ContentModel model) {
    this.pool = pool;
    this.jobId = jobId;
    this.model = model;
    // Safe to splice: the job id is a number and model names are checked to be plain SQL names.
    this.table = "import_stage_" + jobId + "_" + model.name();
  }

  ContentModel model() {
    return model;
  }

  /** Drops what an earlier, interrupted run may have left, and creates the empty table. */
  Future<Void> create() {
    String columns = model.fields().stream()
        .map(f -> f.name() + " " + f.type().sqlType())
        .collect(Collectors.joining(", "));
    return pool.query("DROP TABLE IF EXISTS " + table).execute()
        .compose(dropped -> pool.query("CREATE UNLOGGED TABLE " + table + " (entry bigint NOT NULL, " + columns + ")")
            .execute())
        .mapEmpty();
  }

  Future<Void> drop() {
    return pool.query("DROP TABLE IF EXISTS " + table).execute().mapEmpty();
  }

  /** The statement that inserts one batch, given as one array per column. */
  String insertSql() {
    List<String> arrays = new ArrayList<>(List.of("$1::int8[]"));
    for (Field field : model.fields()) {
      arrays.add("$" + (arrays.size() + 1) + "::" + field.type().sqlType() + "[]");
    }
    return "INSERT INTO " + table + " SELECT * FROM unnest(" + String.join(", ", arrays) + ")";
  }

  Future<Void> insert(String sql, Tuple columns) {
    return pool.preparedQuery(sql).execute(columns).mapEmpty();
  }

  /** Ids given more than once in the file, with the entries that gave them (at most {@code limit}). */
  Future<List<Row>> duplicates(int limit) {
    String key = model.key().name();
    return roomy("SELECT " + key + " AS key, array_agg(entry ORDER BY entry) AS entries FROM " + table
            + " GROUP BY " + key + " HAVING count(*) > 1 ORDER BY min(entry) LIMIT $1", Tuple.of(limit))
        .map(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          return list;
        });
  }

  /**
   * Compares the staged rows with the library and stores the diff. Unknown id: add (unless marked
   * for deletion: then nothing). Known id marked for deletion: delete. Known id with a different
   * value: update. Completes with the counts {add, update, delete, unchanged}.
   */
  Future<JsonObject> diff() {
    List<Field> compared = model.storedFields().stream().filter(f -> f != model.key()).toList();
    String key = model.key().name();
    String join = " FROM " + table + " s LEFT JOIN " + model.table() + " l ON l." + key + " = s." + key;
    String known = "l." + key + " IS NOT NULL";
    String differs = "(" + list(compared, "s.%s") + ") IS DISTINCT FROM (" + list(compared, "l.%s") + ")";
    String op = "CASE WHEN NOT " + known + " THEN " + ADD + " WHEN s.mark_delete THEN " + DELETE + " ELSE " + UPDATE
        + " END";
    // Only added, updated and deleted rows get their JSON built; unchanged ones are merely counted.
    String sql = "WITH stored AS (INSERT INTO import_diffs (job_id, content_model, op, entry, original, new,"
        + " changed_fields) SELECT $1, $2, " + op + ", s.entry,"
        + " CASE WHEN " + known + " THEN " + jsonOf("l", "false") + " ELSE '{}'::json END,"
        + " CASE WHEN s.mark_delete THEN '{}'::json ELSE " + jsonOf("s", "s.mark_delete") + " END,"
        + " CASE WHEN " + known + " AND NOT s.mark_delete THEN array_remove(ARRAY[" + compared.stream()
            .map(f -> "CASE WHEN s." + f.name() + " IS DISTINCT FROM l." + f.name() + " THEN '" + f.name() + "' END")
            .collect(Collectors.joining(", ")) + "], NULL) END"
        + join + " WHERE (NOT " + known + " AND NOT s.mark_delete) OR (" + known + " AND (s.mark_delete OR "
        + differs + ")) RETURNING op)"
        + " SELECT count(*) FILTER (WHERE op = " + ADD + ") AS add, count(*) FILTER (WHERE op = " + UPDATE
        + ") AS update, count(*) FILTER (WHERE op = " + DELETE + ") AS delete,"
        + " (SELECT count(*)" + join + " WHERE " + known + " AND NOT s.mark_delete) AS kept FROM stored";
    return roomy(sql, Tuple.of(jobId, model.name())).map(rows -> {
      Row row = rows.iterator().next();
      long updated = row.getLong("update");
      return new JsonObject().put("add", row.getLong("add")).put("update", updated)
          .put("delete", row.getLong("delete")).put("unchanged", row.getLong("kept") - updated);
    });
  }

  /**
   * Runs a statement over the whole staged file with more working memory than PostgreSQL's default
   * 4 MB, which would spill its sorts and hashes of a million rows to disk (measured: 1.4 s → 0.6 s).
   */
  private Future<RowSet<Row>> roomy(String sql, Tuple params) {
    return pool.withTransaction(conn -> conn.query("SET LOCAL work_mem = '" + WORK_MEM + "'").execute()
        .compose(set -> conn.preparedQuery(sql).execute(params)));
  }

  /** The full state of an item as the API shows it: every field of the model, in order. */
  private String jsonOf(String alias, String markDelete) {
    return "json_build_object(" + model.fields().stream()
        .map(f -> "'" + f.name() + "', " + (f.name().equals("mark_delete") ? markDelete : alias + "." + f.name()))
        .collect(Collectors.joining(", ")) + ")";
  }

  private static String list(List<Field> fields, String pattern) {
    return fields.stream().map(f -> String.format(pattern, f.name())).collect(Collectors.joining(", "));
  }

  /** Column arrays of one batch, filled row by row on a worker thread. */
  static final class Batch {
    final List<Long> entries = new ArrayList<>();
    final List<List<Object>> columns = new ArrayList<>();

    Batch(ContentModel model) {
      model.fields().forEach(f -> columns.add(new ArrayList<>()));
    }

    void add(long entry, List<Object> values) {
      entries.add(entry);
      for (int i = 0; i < values.size(); i++) {
        columns.get(i).add(values.get(i));
      }
    }

    int size() {
      return entries.size();
    }

    Tuple tuple(ContentModel model) {
      Tuple tuple = Tuple.tuple().addArrayOfLong(entries.toArray(Long[]::new));
      for (int i = 0; i < columns.size(); i++) {
        List<Object> column = columns.get(i);
        FieldType type = model.fields().get(i).type();
        switch (type) {
          case STRING -> tuple.addArrayOfString(column.toArray(String[]::new));
          case INTEGER -> tuple.addArrayOfInteger(column.toArray(Integer[]::new));
          case BOOLEAN -> tuple.addArrayOfBoolean(column.toArray(Boolean[]::new));
        }
      }
      return tuple;
    }
  }
}
