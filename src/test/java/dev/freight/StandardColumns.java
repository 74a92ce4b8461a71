package dev.freight;

import java.util.List;

/**
 * The columns of a standard as files have them, in order: what tests expect of imports and exports.
 */
public final class StandardColumns {
  private StandardColumns() {}

  /** A file's columns: every field of a standard, and mark_delete. */
  public static final List<String> OF_FILES =
      List.of(
          "id",
          "title",
          "text",
          "problem",
          "priority",
          "phase",
          "active",
          "mark_delete",
          "match_conditions",
          "tags");

  /** A standard's fields, as the library stores and lists them. */
  public static final List<String> OF_STANDARDS =
      OF_FILES.stream().filter(column -> !column.equals("mark_delete")).toList();
}
