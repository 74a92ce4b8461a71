package dev.freight.db;

import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

/**
 * A statement put together from fragments, each given with its own values: a {@code ?} in a
 * fragment stands for the next of its values. The placeholders are numbered {@code $1, $2, ...}
 * only when the text is asked for, in the order the fragments were appended, so no fragment knows
 * or assumes its numbers and a fragment (a filter) can go into several statements.
 *
 * <pre>{@code
 * Sql filter = new Sql().where("j.status = ANY(?)", (Object) statuses).where("j.id > ?", 10);
 * Sql count = Sql.of("SELECT count(*) FROM import_jobs j").append(filter);
 * // count.text(): SELECT count(*) FROM import_jobs j WHERE j.status = ANY($1) AND j.id > $2
 * }</pre>
 *
 * Every {@code ?} is a placeholder, so SQL that needs a literal {@code ?} (jsonb operators) does
 * not go through here. As with {@link Tuple#of}, an array given as the only value must be cast to
 * {@code Object}, or Java spreads it into several values.
 */
public final class Sql {
  /** {@code texts.get(i)} comes before value i; the last one ends the statement. */
  private final List<String> texts = new ArrayList<>(List.of(""));

  private final List<Object> values = new ArrayList<>();
  private boolean hasWhere;

  /** A statement starting with {@code text}, which has no placeholders. */
  public static Sql of(String text) {
    return new Sql().append(text);
  }

  /** Appends {@code fragment}, whose {@code ?}s stand for {@code values} in order. */
  public Sql append(String fragment, Object... values) {
    String[] pieces = fragment.split("\\?", -1);
    if (pieces.length - 1 != values.length) {
      throw new IllegalArgumentException(
          "'"
              + fragment
              + "' has "
              + (pieces.length - 1)
              + " placeholder(s) but "
              + values.length
              + " value(s) were given");
    }
    appendText(pieces[0]);
    for (int i = 0; i < values.length; i++) {
      this.values.add(values[i]);
      texts.add(pieces[i + 1]);
    }
    return this;
  }

  /**
   * Appends another statement's text and values; its placeholders are numbered after this one's.
   */
  public Sql append(Sql other) {
    appendText(other.texts.get(0));
    values.addAll(other.values);
    texts.addAll(other.texts.subList(1, other.texts.size()));
    hasWhere |= other.hasWhere;
    return this;
  }

  /** Adds a condition: the first one opens a WHERE, the next ones are joined with AND. */
  public Sql where(String condition, Object... values) {
    appendText(hasWhere ? " AND " : " WHERE ");
    hasWhere = true;
    return append(condition, values);
  }

  /** Adds a condition made elsewhere, as {@link #where(String, Object...)} does. */
  public Sql where(Sql condition) {
    appendText(hasWhere ? " AND " : " WHERE ");
    hasWhere = true;
    return append(condition);
  }

  /** The statement with its placeholders numbered from {@code $1}. */
  public String text() {
    StringBuilder text = new StringBuilder(texts.get(0));
    for (int i = 0; i < values.size(); i++) {
      text.append('$').append(i + 1).append(texts.get(i + 1));
    }
    return text.toString();
  }

  /** The values, in the order of their placeholders. */
  public List<Object> values() {
    return Collections.unmodifiableList(values);
  }

  /** The values as the parameters of {@link #text()}. */
  public Tuple tuple() {
    return Tuple.from(values);
  }

  @Override
  public String toString() {
    return text() + " " + values;
  }

  private void appendText(String text) {
    int last = texts.size() - 1;
    texts.set(last, texts.get(last) + text);
  }

  /**
   * This statement with its values, and what else shapes its answer ({@code more}), as one string:
   * another string, another answer.
   */
  public String key(Object... more) {
    JsonArray key = new JsonArray().add(text());
    Stream.concat(values.stream(), Stream.of(more)).map(Sql::keyPart).forEach(key::add);
    return key.encode();
  }

  /** A value with its type, so that 1 and "1" differ; an array's items each apart. */
  private static String keyPart(Object value) {
    if (value == null) {
      return null;
    }
    Object shown =
        value instanceof Object[] array
            ? new JsonArray(Arrays.stream(array).map(String::valueOf).toList()).encode()
            : value;
    return value.getClass().getName() + ":" + shown;
  }
}
