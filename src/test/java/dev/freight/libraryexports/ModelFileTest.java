package dev.freight.libraryexports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several content models download as one zip holding each model's file unchanged. */
class ModelFileTest {

  @Test
  void aZipHoldsEachFileUnderItsOwnName(@TempDir Path dir) throws IOException {
    Path standards = Files.writeString(dir.resolve("standard.csv"), "id,title\r\nS1,\"a, b\"\r\n");
    Path other = Files.writeString(dir.resolve("other.csv"), "id\r\nX1\r\n");
    Path zip = dir.resolve("library-export-1.zip");

    ModelFile.zip(List.of(standards, other), zip);

    Map<String, String> entries = new LinkedHashMap<>();
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream unzip = new ZipInputStream(in)) {
      for (ZipEntry entry = unzip.getNextEntry(); entry != null; entry = unzip.getNextEntry()) {
        entries.put(entry.getName(), new String(unzip.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    assertThat(entries)
        .containsExactly(
            Map.entry("standard.csv", "id,title\r\nS1,\"a, b\"\r\n"),
            Map.entry("other.csv", "id\r\nX1\r\n"));
    assertThat(LibraryExportTask.mediaType(zip.getFileName().toString()))
        .isEqualTo("application/zip");
  }
}
