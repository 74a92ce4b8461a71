package dev.freight.formats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FormatTest {

  @Test
  void extensionsAndMediaTypes() {
    assertThat(Format.fromExtension("CSV")).contains(Format.CSV);
    assertThat(Format.fromExtension("json")).contains(Format.JSON);
    assertThat(Format.fromExtension("Yml")).contains(Format.YAML);
    assertThat(Format.fromExtension("yaml")).contains(Format.YAML);
    assertThat(Format.fromExtension("xlsx")).contains(Format.XLSX);
    assertThat(Format.fromExtension("xls")).isEqualTo(Optional.empty());
    assertThat(Format.fromExtension("txt")).isEmpty();
    assertThat(Format.XLSX.extension()).isEqualTo("xlsx");
    assertThat(Format.CSV.mediaType()).isEqualTo("text/csv");
    assertThat(Format.YAML.mediaType()).isEqualTo("application/yaml");
    assertThat(Format.XLSX.mediaType())
        .isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void closeFinishesTheDocumentButLeavesTheStreamOpen(Format format) throws Exception {
    class TrackingStream extends ByteArrayOutputStream {
      boolean closed;

      @Override
      public void close() {
        closed = true;
      }
    }
    TrackingStream out = new TrackingStream();
    RowWriter writer = format.openWriter(out, "sheet", List.of("a"));
    writer.write(List.of("x"));
    writer.close();
    int size = out.size();
    writer.close();

    assertThat(out.closed).isFalse();
    assertThat(out.size()).isPositive().isEqualTo(size);
  }

  @Test
  void writersRefuseBadColumnsAndRows() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> Format.JSON.openWriter(out, null, List.of("a", "a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate column name 'a'");
    try (RowWriter writer = Format.CSV.openWriter(out, null, List.of("a", "b"))) {
      assertThatThrownBy(() -> writer.write(List.of("x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("row has 1 values but there are 2 columns");
      assertThatThrownBy(() -> writer.write(List.of("x", 1.5)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("java.lang.Double");
    }
  }
}
