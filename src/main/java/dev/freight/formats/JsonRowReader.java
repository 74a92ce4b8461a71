package dev.freight.formats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** JSON: a top-level array of flat objects, one object per row, parsed token by token. */
final class JsonRowReader extends TextRowReader {

  private final JsonParser parser;
  private final int maxColumns;
  private boolean done;

  JsonRowReader(Path file, ReadLimits limits) throws IOException {
    super(file);
    maxColumns = limits.maxColumns();
    JsonFactory factory =
        new JsonFactoryBuilder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxStringLength(limits.maxFieldChars())
                    .maxNestingDepth(limits.maxNestingDepth())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    try {
      parser = factory.createParser(in);
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        throw error("the top level must be an array of row objects");
      }
    } catch (JsonProcessingException e) {
      in.close();
      throw translate(e);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  @Override
  public Map<String, Object> next() throws IOException {
    try {
      return readRow();
    } catch (JsonProcessingException e) {
      throw translate(e);
    }
  }

  private Map<String, Object> readRow() throws IOException {
    if (done) {
      return null;
    }
    JsonToken token = parser.nextToken();
    if (token == JsonToken.END_ARRAY) {
      if (parser.nextToken() != null) {
        throw error("unexpected content after the top-level array");
      }
      done = true;
      return null;
    }
    if (token != JsonToken.START_OBJECT) {
      throw error("element " + (rowNumber + 1) + " of the top-level array is not an object");
    }
    Map<String, Object> row = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      if (row.size() == maxColumns) {
        throw error("row " + (rowNumber + 1) + " has more than " + maxColumns + " fields");
      }
      String name = parser.currentName();
      row.put(name, value(name, parser.nextToken()));
    }
    rowNumber++;
    return row;
  }

  private Object value(String name, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT ->
          parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
              ? new BigDecimal(parser.getBigIntegerValue())
              : (Object) parser.getLongValue();
      case VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default ->
          throw error(
              "the value of '"
                  + name
                  + "' in row "
                  + (rowNumber + 1)
                  + " is not a string, number, boolean or null");
    };
  }

  /**
   * Jackson's errors (syntax, truncation, limits) may surface from any parser call, even reading a
   * value.
   */
  private FileFormatException translate(JsonProcessingException e) {
    JsonLocation at = e.getLocation() != null ? e.getLocation() : parser.currentLocation();
    // Without the name of the parser's setting: "(20, from `StreamReadConstraints...`)" → "(20)".
    String message = e.getOriginalMessage().replaceAll(", from `[^`]*`", "");
    return new FileFormatException(message, Math.max(0, at.getLineNr()));
  }

  private FileFormatException error(String message) {
    return new FileFormatException(message, Math.max(0, parser.currentTokenLocation().getLineNr()));
  }

  @Override
  public void close() throws IOException {
    parser.close(); // closes the file too (AUTO_CLOSE_SOURCE)
  }
}
