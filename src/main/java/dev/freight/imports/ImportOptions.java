package dev.freight.imports;

import dev.freight.bus.Failure;
import dev.freight.library.ContentModel;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What an import's create asked for beyond its files, each form field optional: {@code
 * skip_invalid}, {@code column_mapping}, {@code ignore_unknown_columns} and {@code mode}. None of
 * them asked is today's import, exactly.
 *
 * @param columnMapping normalised file column ({@link #normal}) → field; null when not asked
 * @param asked what the create asked, typed, as the job shows it; null when nothing was
 */
record ImportOptions(
    boolean skipInvalid,
    Map<String, String> columnMapping,
    boolean ignoreUnknownColumns,
    boolean sync,
    JsonObject asked) {

  static final ImportOptions NONE = new ImportOptions(false, null, false, false, null);

  static final String SKIP_INVALID = "skip_invalid";
  static final String COLUMN_MAPPING = "column_mapping";
  static final String IGNORE_UNKNOWN_COLUMNS = "ignore_unknown_columns";
  static final String MODE = "mode";

  /**
   * Headers are matched by field name ignoring case and surrounding spaces once a mapping or
   * ignore_unknown_columns is asked; otherwise exactly, as before.
   */
  boolean matchLoosely() {
    return columnMapping != null || ignoreUnknownColumns;
  }

  /** A header as loose matching sees it. */
  static String normal(String column) {
    return column.strip().toLowerCase(Locale.ROOT);
  }

  /**
   * Checks the form fields as sent (text) against the models of the job's files; a 400 naming what
   * is wrong.
   */
  static ImportOptions of(JsonObject form, Collection<ContentModel> models) {
    if (form == null) {
      return NONE;
    }
    JsonObject asked = new JsonObject();
    boolean skipInvalid = flag(form, SKIP_INVALID, asked);
    boolean ignoreUnknown = flag(form, IGNORE_UNKNOWN_COLUMNS, asked);
    String mode = form.getString(MODE);
    if (mode != null) {
      if (!mode.equals("merge") && !mode.equals("sync")) {
        throw Failure.badRequest("mode must be merge or sync, not '" + mode + "'.");
      }
      asked.put(MODE, mode);
    }
    boolean sync = "sync".equals(mode);
    if (sync && skipInvalid) {
      throw Failure.badRequest(
          "mode=sync cannot run with skip_invalid=true: a skipped row's item would be deleted as"
              + " absent from the file.");
    }
    Map<String, String> mapping = null;
    String text = form.getString(COLUMN_MAPPING);
    if (text != null) {
      JsonObject given = mappingObject(text);
      mapping = mapping(given, models);
      asked.put(COLUMN_MAPPING, given);
    }
    // Other form fields are ignored, as they always were.
    return asked.isEmpty()
        ? NONE
        : new ImportOptions(skipInvalid, mapping, ignoreUnknown, sync, asked);
  }

  private static boolean flag(JsonObject form, String name, JsonObject asked) {
    String value = form.getString(name);
    if (value == null) {
      return false;
    }
    if (!value.equals("true") && !value.equals("false")) {
      throw Failure.badRequest(name + " must be true or false, not '" + value + "'.");
    }
    asked.put(name, Boolean.parseBoolean(value));
    return Boolean.parseBoolean(value);
  }

  private static JsonObject mappingObject(String text) {
    Object parsed;
    try {
      parsed = Json.decodeValue(text);
    } catch (DecodeException e) {
      parsed = null;
    }
    if (!(parsed instanceof JsonObject object)
        || !object.stream().allMatch(e -> e.getValue() instanceof String)) {
      throw Failure.badRequest(
          "column_mapping must be a JSON object of file column to field name, like"
              + " {\"Name\": \"title\"}.");
    }
    return object;
  }

  /** The mapping by normalised column; every target a field of each model, none given twice. */
  private static Map<String, String> mapping(JsonObject given, Collection<ContentModel> models) {
    Map<String, String> mapping = new LinkedHashMap<>();
    Map<String, String> columnOfField = new HashMap<>();
    for (Map.Entry<String, Object> entry : given) {
      String column = entry.getKey();
      String field = (String) entry.getValue();
      for (ContentModel model : models) {
        if (model.field(field).isEmpty()) {
          throw Failure.badRequest(
              "column_mapping maps '"
                  + column
                  + "' to '"
                  + field
                  + "', which is not a field of "
                  + model.name()
                  + ".");
        }
      }
      String other = columnOfField.put(field, column);
      if (other != null) {
        throw Failure.badRequest(
            "column_mapping maps both '" + other + "' and '" + column + "' to '" + field + "'.");
      }
      if (mapping.put(normal(column), field) != null) {
        throw Failure.badRequest(
            "column_mapping names the column '" + column + "' twice (case and spaces aside).");
      }
    }
    return mapping;
  }

  /** The options of a stored job ({@code asked} as {@link #of} kept it, or null). */
  static ImportOptions fromJob(JsonObject asked, Collection<ContentModel> models) {
    if (asked == null) {
      return NONE;
    }
    JsonObject form = new JsonObject();
    asked.forEach(
        e ->
            form.put(
                e.getKey(),
                e.getValue() instanceof JsonObject mapping
                    ? mapping.encode()
                    : String.valueOf(e.getValue())));
    return of(form, models);
  }
}
