package dev.freight.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;

/** JSON: a top-level array with one compact object per line. */
final class JsonRowWriter implements RowWriter {

  private static final JsonFactory FACTORY =
      new JsonFactoryBuilder()
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET) // the caller owns the stream
          .enable(
              JsonWriteFeature
                  .COMBINE_UNICODE_SURROGATES_IN_UTF8) // emoji as UTF-8, not escaped halves
          .build();

  private final JsonGenerator gen;

  /** Quoted and encoded once: every row writes every name. */
  private final List<SerializedString> columns;

  JsonRowWriter(OutputStream out, List<String> columns) throws IOException {
    this.columns = columns.stream().map(SerializedString::new).toList();
    gen = FACTORY.createGenerator(out);
    gen.setPrettyPrinter(new OneRowPerLine());
    gen.writeStartArray();
  }

  @Override
  public void write(List<?> values) throws IOException {
    Rows.checkRow(values, columns.size());
    gen.writeStartObject();
    for (int i = 0; i < columns.size(); i++) {
      gen.writeFieldName(columns.get(i));
      Object value = values.get(i);
      if (value == null) {
        gen.writeNull();
      } else if (value instanceof String s) {
        gen.writeString(s);
      } else if (value instanceof Boolean b) {
        gen.writeBoolean(b);
      } else if (value instanceof BigDecimal d) {
        gen.writeNumber(d);
      } else {
        gen.writeNumber(((Number) value).longValue());
      }
    }
    gen.writeEndObject();
  }

  @Override
  public void close() throws IOException {
    if (gen.isClosed()) {
      return;
    }
    gen.writeEndArray();
    gen.close();
  }

  /**
   * Puts each row object on its own line, keeping files readable and line numbers in errors
   * meaningful.
   */
  private static final class OneRowPerLine extends MinimalPrettyPrinter {

    @Override
    public void beforeArrayValues(JsonGenerator g) throws IOException {
      g.writeRaw('\n');
    }

    @Override
    public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
      g.writeRaw(",\n");
    }

    @Override
    public void writeEndArray(JsonGenerator g, int nrOfValues) throws IOException {
      g.writeRaw(nrOfValues > 0 ? "\n]" : "]");
    }
  }
}
