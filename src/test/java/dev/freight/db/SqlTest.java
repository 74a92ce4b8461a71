package dev.freight.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SqlTest {

  @Test
  void placeholdersAreNumberedInTheOrderTheFragmentsAreAppended() {
    Sql sql =
        Sql.of("SELECT * FROM t")
            .where("a = ?", 1)
            .where("(b ILIKE ? OR c ILIKE ?)", "%x%", "%x%")
            .append(" ORDER BY a LIMIT ? OFFSET ?", 10, 20L);
    assertThat(sql.text())
        .isEqualTo(
            "SELECT * FROM t WHERE a = $1 AND (b ILIKE $2 OR c ILIKE $3)"
                + " ORDER BY a LIMIT $4 OFFSET $5");
    assertThat(sql.values()).containsExactly(1, "%x%", "%x%", 10, 20L);
    assertThat(sql.tuple().size()).isEqualTo(5);
    assertThat(sql.tuple().getValue(3)).isEqualTo(10);
  }

  @Test
  void aFilterIsNumberedAfterWhatItIsAppendedTo() {
    Sql filter = new Sql().where("a = ?", "x").where("b = ANY(?)", (Object) new int[] {1, 2});
    Sql count = Sql.of("SELECT count(*) FROM t").append(filter);
    Sql page =
        Sql.of("SELECT * FROM t JOIN u ON u.id = t.u")
            .append(" AND u.level > ?", 3)
            .append(filter)
            .append(" LIMIT ?", 50);
    assertThat(count.text()).isEqualTo("SELECT count(*) FROM t WHERE a = $1 AND b = ANY($2)");
    assertThat(count.values()).hasSize(2);
    assertThat(page.text())
        .isEqualTo(
            "SELECT * FROM t JOIN u ON u.id = t.u AND u.level > $1"
                + " WHERE a = $2 AND b = ANY($3) LIMIT $4");
    assertThat(page.values()).hasSize(4).startsWith(3, "x").endsWith(50);
    assertThat(filter.text())
        .as("appending leaves the filter as it was")
        .isEqualTo(" WHERE a = $1 AND b = ANY($2)");
  }

  @Test
  void conditionsAfterAnAppendedFilterJoinWithAnd() {
    Sql filter = new Sql().where("a = ?", 1);
    Sql sql =
        Sql.of("SELECT * FROM t")
            .append(filter)
            .where("b > ?", 2)
            .where(new Sql().append("c = ?", 3));
    assertThat(sql.text()).isEqualTo("SELECT * FROM t WHERE a = $1 AND b > $2 AND c = $3");
    assertThat(sql.values()).containsExactly(1, 2, 3);
  }

  @Test
  void noConditionsNoWhere() {
    Sql sql = Sql.of("SELECT * FROM t").append(new Sql()).append(" ORDER BY id");
    assertThat(sql.text()).isEqualTo("SELECT * FROM t ORDER BY id");
    assertThat(sql.values()).isEmpty();
  }

  @Test
  void anArrayIsOneValueWhenCastToObject() {
    String[] statuses = {"pending", "success"};
    Sql sql = new Sql().where("status = ANY(?)", (Object) statuses);
    assertThat(sql.text()).isEqualTo(" WHERE status = ANY($1)");
    assertThat(sql.values()).hasSize(1);
    assertThat((Object[]) sql.values().get(0)).containsExactly("pending", "success");
  }

  @Test
  void nullIsAValue() {
    Sql sql = new Sql().append("a = ? AND b = ?", null, 2);
    assertThat(sql.text()).isEqualTo("a = $1 AND b = $2");
    assertThat(sql.values()).isEqualTo(Arrays.asList(null, 2));
  }

  @Test
  void placeholdersAndValuesMustMatch() {
    assertThatThrownBy(() -> new Sql().where("a = ? AND b = ?", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 placeholder(s) but 1 value(s)");
    assertThatThrownBy(() -> Sql.of("SELECT ?")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Sql().append("a = ?", List.of().toArray()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Keys of shared and kept reads: statements answering differently never share a key. */
  @Test
  void aKeyTellsApartEverythingThatShapesTheAnswer() {
    String page = Sql.of("SELECT * FROM t").where("a = ?", 1).key(50, 0);
    assertThat(Sql.of("SELECT * FROM t").where("a = ?", 1).key(50, 0)).isEqualTo(page);
    assertThat(Sql.of("SELECT * FROM t").where("a = ?", 2).key(50, 0))
        .as("value")
        .isNotEqualTo(page);
    assertThat(Sql.of("SELECT * FROM t").where("a = ?", "1").key(50, 0))
        .as("type")
        .isNotEqualTo(page);
    assertThat(Sql.of("SELECT * FROM t").where("b = ?", 1).key(50, 0))
        .as("text")
        .isNotEqualTo(page);
    assertThat(Sql.of("SELECT * FROM t").where("a = ?", 1).key(50, 50))
        .as("more")
        .isNotEqualTo(page);
    assertThat(new Sql().append("?, ?", null, "null").key())
        .as("null is not the word null")
        .isNotEqualTo(new Sql().append("?, ?", "null", null).key());
    assertThat(new Sql().append("?", (Object) new String[] {"a, b"}).key())
        .as("an array's items")
        .isNotEqualTo(new Sql().append("?", (Object) new String[] {"a", "b"}).key());
    assertThat(new Sql().append("?, ?", "a\",\"", "b").key())
        .as("values split otherwise")
        .isNotEqualTo(new Sql().append("?, ?", "a", "\",\"b").key());
  }
}
