package dev.freight.libraryexports;

import dev.freight.formats.Format;
import dev.freight.formats.FormulaEscaping;
import dev.freight.formats.RowWriter;
import dev.freight.library.ContentModel;
import dev.freight.library.Field;
import io.vertx.sqlclient.Row;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * One content model's export file, written on a worker thread. The columns are the model's fields
 * in order, {@code mark_delete} included (its default, false), which is exactly what the importer
 * reads: an export imports back unchanged. XLSX sheets are named after the model, as the importer
 * looks for.
 */
final class ModelFile implements AutoCloseable {
  private final ContentModel model;
  private final Path file;
  private final OutputStream out;
  private final RowWriter writer;

  /** {@code escapeFormulas}: a CSV file's cells are kept from running as formulas. */
  ModelFile(Path file, Format format, ContentModel model, boolean escapeFormulas)
      throws IOException {
    this.model = model;
    this.file = file;
    this.out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    RowWriter opened;
    try {
      opened =
          FormulaEscaping.of(
              format.openWriter(
                  out, model.name(), model.fields().stream().map(Field::name).toList()),
              format,
              escapeFormulas);
    } catch (IOException | RuntimeException e) {
      out.close();
      throw e;
    }
    this.writer = opened;
  }

  /**
   * Writes rows holding the model's stored fields, in order: read by position, as a lookup by name
   * searches the columns for every value. Returns how many.
   */
  int write(Iterable<Row> rows) throws IOException {
    int written = 0;
    for (Row row : rows) {
      List<Object> values = new ArrayList<>(model.fields().size());
      int column = 0;
      for (Field field : model.fields()) {
        values.add(field.stored() ? row.getValue(column++) : field.defaultValue());
      }
      writer.write(values);
      written++;
    }
    return written;
  }

  /** The bytes that have reached the file so far: written in order, they never change. */
  long bytesOnDisk() throws IOException {
    return Files.size(file);
  }

  /**
   * Writes the model's example record, which shows every field with a value that passes validation.
   */
  void writeExample() throws IOException {
    writer.write(model.exampleRow());
  }

  /** Finishes the document and the file. */
  @Override
  public void close() throws IOException {
    try {
      writer.close();
    } finally {
      out.close();
    }
  }

  /** Packs {@code files} into a zip at {@code target}, each under its own name. */
  static void zip(List<Path> files, Path target) throws IOException {
    try (ZipOutputStream zip =
        new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(target), 1 << 16))) {
      for (Path file : files) {
        zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
  }
}
