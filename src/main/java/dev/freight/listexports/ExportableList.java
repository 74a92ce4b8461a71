package dev.freight.listexports;

import dev.freight.bus.Failure;
import dev.freight.db.Sql;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A list endpoint that can be exported: where its export action lives, who may call it, the rows it
 * reads, its filters and its fields. Every SQL text here is a constant of {@link ExportableLists}.
 *
 * @param operationId the export action's operation in openapi.yaml
 * @param listOperationId the list's operation in openapi.yaml: the export action takes its filters,
 *     declared by the same parameters
 * @param path the export action's path, the export's {@code request_path}
 * @param viewset the resource's name, the export's {@code viewset}
 * @param actionName the export's {@code action_name}
 * @param superuserOnly whether only superusers may export this list
 * @param from the FROM clause with its joins; the expressions below use its aliases
 * @param key an increasing integer, unique per row: the keyset pagination order
 * @param id what a filter file lists, compared as text
 * @param filters the list endpoint's query parameters
 * @param fields the exportable fields, in their default order
 */
public record ExportableList(
    String operationId,
    String listOperationId,
    String path,
    String viewset,
    String actionName,
    boolean superuserOnly,
    String from,
    String key,
    String id,
    List<Filter> filters,
    List<Column> fields) {

  /** The languages every field has a label in; the first is the default. */
  public static final List<String> LANGUAGES = List.of("en", "de");

  /**
   * An exportable field: its name in requests, its SQL expression and its header in each language.
   */
  public record Column(String name, String sql, Map<String, String> labels) {
    public Column {
      if (!labels.keySet().equals(Set.copyOf(LANGUAGES))) {
        throw new IllegalArgumentException(name + ": needs a label in each of " + LANGUAGES);
      }
    }

    public static Column of(String name, String sql, String en, String de) {
      return new Column(name, sql, Map.of("en", en, "de", de));
    }
  }

  /**
   * A query parameter of the list: {@code condition} makes the SQL condition, with its values, of
   * the parameter's raw value, and refuses bad values with a 400.
   */
  public record Filter(String name, Function<String, Sql> condition) {

    public static Filter text(String name, String column) {
      return new Filter(name, value -> new Sql().append(column + " = ?", value));
    }

    public static Filter bool(String name, String column) {
      return new Filter(name, value -> new Sql().append(column + " = ?", truth(name, value)));
    }

    /** Case-insensitive substring of any of the columns. */
    public static Filter search(String name, String... columns) {
      String condition =
          "("
              + Arrays.stream(columns).map(c -> c + " ILIKE ?").collect(Collectors.joining(" OR "))
              + ")";
      return new Filter(
          name,
          value -> {
            String pattern =
                "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
            return new Sql()
                .append(condition, Collections.nCopies(columns.length, pattern).toArray());
          });
    }

    public static Filter oneOf(String name, String column, List<String> choices) {
      return new Filter(
          name, value -> new Sql().append(column + " = ?", choice(name, value, choices)));
    }

    /** Several of the choices, separated by commas. */
    public static Filter anyOf(String name, String column, List<String> choices) {
      return new Filter(
          name,
          value ->
              new Sql()
                  .append(
                      column + " = ANY(?)",
                      (Object)
                          Arrays.stream(value.split(","))
                              .map(item -> choice(name, item.trim(), choices))
                              .toArray(String[]::new)));
    }

    private static boolean truth(String name, String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default ->
            throw Failure.badRequest(
                "Filter '" + name + "' must be true or false, not '" + value + "'.");
      };
    }

    private static String choice(String name, String value, List<String> choices) {
      if (!choices.contains(value)) {
        throw Failure.badRequest(
            "Unknown value '"
                + value
                + "' for filter '"
                + name
                + "'; valid values: "
                + String.join(", ", choices)
                + ".");
      }
      return value;
    }
  }

  /** The conditions on the rows an export reads, to follow the list's FROM clause. */
  record Where(Sql conditions) {
    /** The parameters of {@link #countSql}. */
    List<Object> params() {
      return conditions.values();
    }
  }

  /**
   * The filters this list declares, of the given query parameters; others are ignored, as the list
   * does.
   */
  JsonObject filtersOf(JsonObject query) {
    JsonObject own = new JsonObject();
    filters.stream()
        .filter(f -> query.getValue(f.name()) != null)
        .forEach(f -> own.put(f.name(), query.getValue(f.name()).toString()));
    return own;
  }

  /**
   * The rows an export reads: the list's filters, and with {@code filteredBy} only the ids of that
   * export's filter file. Refuses bad filter values with a 400.
   */
  Where where(JsonObject filterValues, UUID filteredBy) {
    Sql conditions = new Sql();
    for (Filter filter : filters) {
      String value = filterValues.getString(filter.name());
      if (value != null) {
        conditions.where(filter.condition().apply(value));
      }
    }
    if (filteredBy != null) {
      conditions.where(
          id + "::text IN (SELECT id FROM export_filter_ids WHERE export_id = ?)", filteredBy);
    }
    return new Where(conditions);
  }

  /** Counts the rows; its parameters are {@link Where#params()}. */
  String countSql(Where where) {
    return Sql.of("SELECT count(*) FROM " + from).append(where.conditions()).text();
  }

  /** One page in key order, after the key {@code after}: the key, then the columns. */
  Sql pageSql(Where where, List<Column> columns, long after, int size) {
    return Sql.of(
            "SELECT "
                + key
                + ", "
                + columns.stream().map(Column::sql).collect(Collectors.joining(", "))
                + " FROM "
                + from)
        .append(where.conditions())
        .where(key + " > ?::int8", after)
        .append(" ORDER BY " + key + " LIMIT ?", size);
  }

  /**
   * The named fields in the given order, all of them when none are named; a 400 names any unknown
   * one.
   */
  List<Column> columns(List<String> names) {
    if (names.isEmpty()) {
      return fields;
    }
    List<Column> columns = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      Column column =
          column(name)
              .orElseThrow(
                  () ->
                      Failure.badRequest(
                          "Unknown field '"
                              + name
                              + "'; valid fields: "
                              + fields.stream().map(Column::name).collect(Collectors.joining(", "))
                              + "."));
      if (!seen.add(name)) {
        throw Failure.badRequest("Field '" + name + "' is given twice.");
      }
      columns.add(column);
    }
    return columns;
  }

  private Optional<Column> column(String name) {
    return fields.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
