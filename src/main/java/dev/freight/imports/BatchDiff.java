package dev.freight.imports;

import dev.freight.library.ContentModel;
import dev.freight.library.Field;
import dev.freight.library.FieldType;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The diff of one job's file for one content model, computed batch by batch while the file is still
 * being read: each batch is compared with the library in one SQL statement that stores its changes
 * and notes its ids in an unlogged table (rebuilt on a retry), searched for duplicates once the file
 * is read. The library cannot change meanwhile: only the one active import changes it. Every
 * statement is derived from the model's fields, so a new model needs no code here.
 */
final class BatchDiff {
  /** Diff operations as stored: the order the API lists them in. */
  static final int ADD = 1;
  static final int UPDATE = 2;
  static final int DELETE = 3;
  /** A known item given again unchanged; counted, not stored. */
  private static final int SAME = 0;

  private static final String WORK_MEM = "128MB";

  private final Pool pool;
  private final ContentModel model;
  private final String keys;
  private final String sql;
  private long add;
  private long update;
  private long delete;
  private long unchanged;

  BatchDiff(Pool pool, long jobId, ContentModel model) {
    this.pool = pool;
    this.model = model;
    // Safe to splice: the job id is a number and model names are checked to be plain SQL names.
    this.keys = "import_keys_" + jobId + "_" + model.name();
    this.sql = statement();
  }

  /**
   * Drops what an earlier, interrupted run may have left, and creates the empty id table; without an
   * index, since one duplicate search at the end costs a fraction of keeping a million ids indexed.
   */
  Future<Void> create() {
    return drop().compose(dropped -> pool.query("CREATE UNLOGGED TABLE " + keys + " (key "
        + model.key().type().sqlType() + " NOT NULL, entry bigint NOT NULL)").execute()).mapEmpty();
  }

  Future<Void> drop() {
    return pool.query("DROP TABLE IF EXISTS " + keys).execute().mapEmpty();
  }

  /**
   * Compares one batch with the library; its changes are stored unless {@code store} is false (the
   * job already has problems and will fail: its ids are still checked for duplicates).
   */
  Future<Void> compare(long jobId, Batch batch, boolean store) {
    return pool.preparedQuery(sql).execute(batch.tuple(model).addLong(jobId).addString(model.name()).addBoolean(store))
        .map(rows -> {
          Row row = rows.iterator().next();
          add += row.getLong("add");
          update += row.getLong("update");
          delete += row.getLong("delete");
          unchanged += row.getLong("unchanged");
          return null;
        });
  }

  /**
   * Ids given more than once in the file, with the entries that gave them (at most {@code limit}).
   * PostgreSQL's default 4 MB of working memory would spill the grouping of a million ids to disk.
   */
  Future<List<Row>> duplicates(int limit) {
    return pool.withTransaction(conn -> conn.query("SET LOCAL work_mem = '" + WORK_MEM + "'").execute()
            .compose(set -> conn.preparedQuery("SELECT key, array_agg(entry ORDER BY entry) AS entries FROM " + keys
                + " GROUP BY key HAVING count(*) > 1 ORDER BY min(entry) LIMIT $1").execute(Tuple.of(limit))))
        .map(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          return list;
        });
  }

  /** Stores the counts of the whole file, once it has been compared. */
  Future<Void> storeCounts(long jobId) {
    return pool.preparedQuery("INSERT INTO import_diff_counts (job_id, content_model, added, updated, deleted,"
            + " unchanged) VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(jobId, model.name(), add, update, delete, unchanged))
        .mapEmpty();
  }

  /**
   * One batch ($1 entries, then one array per field; then job, model, store): unknown id → add
   * (unless marked for deletion: then nothing); known id marked for deletion → delete; known id with
   * a different value → update; otherwise unchanged. Only changed rows get their JSON built.
   */
  private String statement() {
    List<Field> fields = model.fields();
    List<Field> compared = model.storedFields().stream().filter(f -> f != model.key()).toList();
    String key = model.key().name();
    int n = fields.size() + 1;
    List<String> arrays = new ArrayList<>(List.of("$1::int8[]"));
    for (Field field : fields) {
      arrays.add("$" + (arrays.size() + 1) + "::" + field.type().sqlType() + "[]");
    }
    String known = "o." + key + " IS NOT NULL";
    String differs = "(" + list(compared, "b.%s") + ") IS DISTINCT FROM (" + list(compared, "o.%s") + ")";
    String job = "$" + (n + 1);
    String modelName = "$" + (n + 2);
    String store = "$" + (n + 3);
    return "WITH b AS (SELECT * FROM unnest(" + String.join(", ", arrays) + ") AS b(entry, "
        + list(fields, "%s") + ")),"
        + " seen AS (INSERT INTO " + keys + " (key, entry) SELECT " + key + ", entry FROM b),"
        + " j AS (SELECT b AS s, o, CASE WHEN NOT " + known + " THEN CASE WHEN b.mark_delete THEN NULL ELSE " + ADD
        + " END WHEN b.mark_delete THEN " + DELETE + " WHEN " + differs + " THEN " + UPDATE + " ELSE " + SAME
        + " END AS op FROM b LEFT JOIN " + model.table() + " o ON o." + key + " = b." + key + "),"
        + " stored AS (INSERT INTO import_diffs (job_id, content_model, op, entry, original, new, changed_fields)"
        + " SELECT " + job + ", " + modelName + ", op, (s).entry,"
        + " CASE WHEN op = " + ADD + " THEN '{}'::json ELSE " + jsonOf("o", "false") + " END,"
        + " CASE WHEN op = " + DELETE + " THEN '{}'::json ELSE " + jsonOf("s", "false") + " END,"
        + " CASE WHEN op = " + UPDATE + " THEN array_remove(ARRAY[" + compared.stream()
            .map(f -> "CASE WHEN (s)." + f.name() + " IS DISTINCT FROM (o)." + f.name() + " THEN '" + f.name() + "' END")
            .collect(Collectors.joining(", ")) + "], NULL) END"
        + " FROM j WHERE " + store + " AND op > " + SAME + ")"
        + " SELECT count(*) FILTER (WHERE op = " + ADD + ") AS add, count(*) FILTER (WHERE op = " + UPDATE
        + ") AS update, count(*) FILTER (WHERE op = " + DELETE + ") AS delete,"
        + " count(*) FILTER (WHERE op = " + SAME + ") AS unchanged FROM j";
  }

  /** The full state of an item as the API shows it: every field of the model, in order. */
  private String jsonOf(String alias, String markDelete) {
    return "json_build_object(" + model.fields().stream()
        .map(f -> "'" + f.name() + "', " + (f.name().equals("mark_delete") ? markDelete : "(" + alias + ")." + f.name()))
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
