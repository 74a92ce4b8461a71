package dev.freight.library;

import dev.freight.bus.Failure;
import dev.freight.db.Ordering;
import dev.freight.db.Paging;
import dev.freight.db.SharedReads;
import dev.freight.db.Sql;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/** Reads a content model's table; the SQL is derived from the model's fields. */
final class LibraryStore {
  private final Pool pool;
  private final Kept kept = new Kept();
  private final Pool versionPool;

  private final SharedReads<Long> versionReads = new SharedReads<>();

  LibraryStore(Pool pool, Pool versionPool) {
    this.pool = pool;
    this.versionPool = versionPool;
  }

  /** The filters a list takes; null means "not given". */
  record Filters(Boolean active, String phase, String problem, String search, String ordering) {
    static Filters of(LibraryRequests.ListItems request) {
      return new Filters(
          request.active(),
          request.phase(),
          request.problem(),
          request.search(),
          request.ordering());
    }
  }

  Future<JsonObject> list(ContentModel model, Filters filters, int limit, long offset) {
    Sql filter = new Sql();
    addEquals(model, filter, "active", filters.active());
    addEquals(model, filter, "phase", filters.phase());
    addEquals(model, filter, "problem", filters.problem());
    if (filters.search() != null && !filters.search().isEmpty()) {
      String pattern =
          "%"
              + filters.search().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
              + "%";
      List<String> searched = searchable(model);
      filter.where(
          "("
              + searched.stream().map(f -> f + " ILIKE ?").collect(Collectors.joining(" OR "))
              + ")",
          Collections.nCopies(searched.size(), pattern).toArray());
    }
    String from = " FROM " + model.table();
    Sql count = Sql.of("SELECT count(*)" + from).append(filter);
    Sql select =
        Sql.of("SELECT " + columns(model) + from)
            .append(filter)
            .append(ordering(model).orderBy(filters.ordering()));
    return libraryVersion()
        .compose(
            version ->
                kept.answer(
                    version,
                    select.key(limit, offset),
                    () ->
                        Paging.page(
                            pool,
                            kept.answer(
                                version,
                                count.key(),
                                () -> Paging.count(pool, count),
                                counted -> Long.BYTES),
                            select,
                            limit,
                            offset,
                            row -> toJson(model, row)),
                    page -> page.toBuffer().length()));
  }

  /** The library's version (V26), read for every list: many asking at once share a read. */
  private Future<Long> libraryVersion() {
    return versionReads.read(
        "library_version",
        () ->
            versionPool
                .preparedQuery("SELECT version FROM library_version")
                .execute()
                .map(rows -> rows.iterator().next().getLong(0)));
  }

  Future<JsonObject> get(ContentModel model, String id) {
    return pool.preparedQuery(
            "SELECT "
                + columns(model)
                + " FROM "
                + model.table()
                + " WHERE "
                + model.key().name()
                + " = $1")
        .execute(Tuple.of(id))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw Failure.notFound("No " + model.name() + " with id " + id + ".");
              }
              return toJson(model, rows.iterator().next());
            });
  }

  private static void addEquals(ContentModel model, Sql filter, String field, Object value) {
    if (value != null && model.field(field).isPresent()) {
      filter.where(field + " = ?", value);
    }
  }

  /**
   * Free-text search looks at the key and the text fields a person reads; the key as {@code
   * lower(key)}, which its trigram index covers (V27).
   */
  private static List<String> searchable(ContentModel model) {
    return model.storedFields().stream()
        .map(Field::name)
        .filter(name -> List.of(model.key().name(), "title", "text").contains(name))
        .map(name -> name.equals(model.key().name()) ? "lower(" + name + ")" : name)
        .toList();
  }

  /** A list orders by any stored field; the key breaks ties. */
  private static Ordering ordering(ContentModel model) {
    return Ordering.ofColumns(
        model.storedFields().stream().map(Field::name).toList(), model.key().name());
  }

  static String columns(ContentModel model) {
    return model.storedFields().stream().map(Field::name).collect(Collectors.joining(", "));
  }

  static JsonObject toJson(ContentModel model, Row row) {
    JsonObject json = new JsonObject();
    for (Field field : model.storedFields()) {
      json.put(field.name(), row.getValue(field.name()));
    }
    return json;
  }
}
