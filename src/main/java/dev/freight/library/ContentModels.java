package dev.freight.library;

import static dev.freight.library.FieldType.BOOLEAN;
import static dev.freight.library.FieldType.INTEGER;
import static dev.freight.library.FieldType.STRING;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content models the library knows. Adding a model means declaring it here and adding the SQL
 * migration that creates its table.
 */
public final class ContentModels {

  private static final Validator SHORT_ID =
      Validator.maxLength(64)
          .and(
              Validator.matching(
                  TextShapes::isLettersThenDigits, "must be letters followed by digits, like P12"));

  /**
   * Standard content, table {@code standard}. Required: {@code id}, {@code title}. Defaults when a
   * column is absent or a value empty: text, problem, phase, match_conditions, tags {@code ""};
   * priority {@code 5} (the middle of 1–10); active {@code true}; mark_delete {@code false}. {@code
   * mark_delete} is an import instruction (true deletes the row with that id), not a column. Text,
   * match_conditions and tags are limited only by {@link FieldType#MAX_STRING_LENGTH}.
   */
  public static final ContentModel STANDARD =
      new ContentModel(
          "standard",
          "standard",
          List.of(
              Field.required(
                  "id",
                  STRING,
                  Validator.matching(
                      text -> TextShapes.isId(text, 64),
                      "must be 1 to 64 letters, digits, '_', '-' or '.'")),
              Field.required("title", STRING, Validator.maxLength(255)),
              Field.optional("text", STRING, "", Validator.none()),
              Field.optional("problem", STRING, "", SHORT_ID),
              Field.optional("priority", INTEGER, 5, Validator.range(1, 10)),
              Field.optional("phase", STRING, "", SHORT_ID),
              Field.optional("active", BOOLEAN, true, Validator.none()),
              Field.optional("mark_delete", BOOLEAN, false, Validator.none()).notStored(),
              Field.optional(
                  "match_conditions", STRING, "", value -> MatchConditions.check((String) value)),
              Field.optional("tags", STRING, "", Validator.none())),
          Map.of(
              "id",
              "EXAMPLE-1",
              "title",
              "Example: use parameterised queries",
              "text",
              "Build SQL statements with bound parameters, never by concatenating user input.",
              "problem",
              "P1",
              "priority",
              8,
              "phase",
              "D1",
              "active",
              true,
              "mark_delete",
              false,
              "match_conditions",
              "A1 AND !A2;A3",
              "tags",
              "example"));

  private static final List<ContentModel> ALL = List.of(STANDARD);

  private ContentModels() {}

  public static List<ContentModel> all() {
    return ALL;
  }

  public static Optional<ContentModel> byName(String name) {
    return ALL.stream().filter(m -> m.name().equals(name)).findFirst();
  }
}
