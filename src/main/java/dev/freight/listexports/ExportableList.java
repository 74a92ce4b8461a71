package dev.freight.listexports;

import dev.freight.bus.Failure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
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
   * A query parameter of the list: {@code condition} uses {@code $?} for the parsed value; {@code
   * parse} refuses bad values with a 400.
   */
  public record Filter(String name, String condition, Function<String, Object> parse) {

    public static Filter text(String name, String column) {
      return new Filter(name, column + " = $?", value -> value);
    }

    public static Filter bool(String name, String column) {
      return new Filter(
          name,
          column + " = $?",
          value ->
              switch (value.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default ->
                    throw Failure.badRequest(
                        "Filter '" + name + "' must be true or false, not '" + value + "'.");
              });
    }

    /** Case-insensitive substring of any of the columns. */
    public static Filter search(String name, String... columns) {
      return new Filter(
          name,
          "("
              + Arrays.stream(columns).map(c -> c + " ILIKE $?").collect(Collectors.joining(" OR "))
              + ")",
          value -> "%" + value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
    }

    public static Filter oneOf(String name, String column, List<String> choices) {
      return new Filter(name, column + " = $?", value -> choice(name, value, choices));
    }

    /** Several of the choices, separated by commas. */
    public static Filter anyOf(String name, String column, List<String> choices) {
      return new Filter(
          name,
          column + " = ANY($?)",
          value ->
              Arrays.stream(value.split(","))
                  .map(item -> choice(name, item.trim(), choices))
                  .toArray(String[]::new));
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

  /** A WHERE clause (empty, or starting with " WHERE") and its parameters, numbered from $1. */
  record Where(String sql, List<Object> params) {}

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
    List<String> conditions = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    for (Filter filter : filters) {
      String value = filterValues.getString(filter.name());
      if (value != null) {
        params.add(filter.parse().apply(value));
        conditions.add(filter.condition().replace("$?", "$" + params.size()));
      }
    }
    if (filteredBy != null) {
      params.add(filteredBy);
      conditions.add(
          id
              + "::text IN (SELECT id FROM export_filter_ids WHERE export_id = $"
              + params.size()
              + ")");
    }
    return new Where(
        conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
  }

  String countSql(Where where) {
    return "SELECT count(*) FROM " + from + where.sql();
  }

  /**
   * One page in key order: the key, then the columns; the two last parameters are the key to start
   * after and the page size.
   */
  String pageSql(Where where, List<Column> columns) {
    int n = where.params().size();
    return "SELECT "
        + key
        + ", "
        + columns.stream().map(Column::sql).collect(Collectors.joining(", "))
        + " FROM "
        + from
        + where.sql()
        + (where.sql().isEmpty() ? " WHERE " : " AND ")
        + key
        + " > $"
        + (n + 1)
        + "::int8"
        + " ORDER BY "
        + key
        + " LIMIT $"
        + (n + 2);
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
