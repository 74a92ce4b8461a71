package dev.freight.formats;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The file formats rows can be imported from and exported to. */
public enum Format {
  CSV("csv", "text/csv"),
  JSON("json", "application/json"),
  YAML("yaml", "application/yaml"),
  XLSX("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

  private final String extension;
  private final String mediaType;

  Format(String extension, String mediaType) {
    this.extension = extension;
    this.mediaType = mediaType;
  }

  public String extension() {
    return extension;
  }

  public String mediaType() {
    return mediaType;
  }

  /** Case-insensitive; "yml" is YAML. Legacy "xls" is not supported. */
  public static Optional<Format> fromExtension(String ext) {
    String e = ext == null ? "" : ext.toLowerCase(Locale.ROOT);
    if (e.equals("yml")) {
      return Optional.of(YAML);
    }
    for (Format f : values()) {
      if (f.extension.equals(e)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * Opens a streaming reader; sheetName (may be null) picks the XLSX sheet, falling back to the
   * first one.
   */
  public RowReader openReader(Path file, String sheetName, ReadLimits limits) throws IOException {
    return switch (this) {
      case CSV -> new CsvRowReader(file, limits);
      case JSON -> new JsonRowReader(file, limits);
      case YAML -> new YamlRowReader(file, limits);
      case XLSX -> new XlsxRowReader(file, sheetName, limits);
    };
  }

  /** Opens a streaming writer; sheetName (null means "Sheet1") is only used by XLSX. */
  public RowWriter openWriter(OutputStream out, String sheetName, List<String> columns)
      throws IOException {
    String problem = Rows.headerProblem(columns);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return switch (this) {
      case CSV -> new CsvRowWriter(out, columns);
      case JSON -> new JsonRowWriter(out, columns);
      case YAML -> new YamlRowWriter(out, columns);
      case XLSX ->
          new XlsxRowWriter(
              out, sheetName == null ? "Sheet1" : sheetName, columns, XlsxRowWriter.MAX_SHEET_ROWS);
    };
  }
}
