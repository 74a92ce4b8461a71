package dev.freight.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Hand-made XLSX files, part by part, for what no spreadsheet application writes: bombs, missing
 * parts, DTDs. A part is written by a function, so that a huge one is streamed into the zip.
 */
public final class Workbooks {
  private Workbooks() {}

  /** Writes one part's content. */
  public interface Part {
    void write(OutputStream out) throws IOException;
  }

  public static Part text(String xml) {
    return out -> out.write(xml.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code start}, then {@code filler} {@code times} times, then {@code end}. */
  public static Part repeated(String start, String filler, long times, String end) {
    return out -> {
      out.write(start.getBytes(StandardCharsets.UTF_8));
      byte[] block =
          filler.repeat(Math.max(1, 65_536 / filler.length())).getBytes(StandardCharsets.UTF_8);
      long perBlock = Math.max(1, 65_536 / filler.length());
      long left = times;
      for (; left >= perBlock; left -= perBlock) {
        out.write(block);
      }
      out.write(filler.repeat((int) left).getBytes(StandardCharsets.UTF_8));
      out.write(end.getBytes(StandardCharsets.UTF_8));
    };
  }

  public static String sheetXml(String rows) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
        + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        + rows
        + "</sheetData></worksheet>";
  }

  /** A row of inline strings. */
  public static String row(int number, String... values) {
    StringBuilder row = new StringBuilder("<row r=\"" + number + "\">");
    for (String value : values) {
      row.append("<c t=\"inlineStr\"><is><t>").append(value).append("</t></is></c>");
    }
    return row.append("</row>").toString();
  }

  /** The parts every workbook has, with these sheets (by name), each its own part sheetN.xml. */
  public static Map<String, Part> parts(int sheets, boolean sharedStrings) {
    StringBuilder types =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
    if (sharedStrings) {
      types.append(
          "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>");
    }
    StringBuilder workbook =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
                + " xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>");
    StringBuilder rels =
        new StringBuilder(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">");
    for (int i = 1; i <= sheets; i++) {
      workbook
          .append("<sheet name=\"")
          .append(i == 1 ? "standard" : "other" + i)
          .append("\" sheetId=\"")
          .append(i)
          .append("\" r:id=\"rId")
          .append(i)
          .append("\"/>");
      rels.append("<Relationship Id=\"rId")
          .append(i)
          .append(
              "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\""
                  + " Target=\"worksheets/sheet")
          .append(i)
          .append(".xml\"/>");
    }
    Map<String, Part> parts = new LinkedHashMap<>();
    parts.put("[Content_Types].xml", text(types.append("</Types>").toString()));
    parts.put(
        "_rels/.rels",
        text(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
                + "</Relationships>"));
    parts.put("xl/workbook.xml", text(workbook.append("</sheets></workbook>").toString()));
    parts.put("xl/_rels/workbook.xml.rels", text(rels.append("</Relationships>").toString()));
    return parts;
  }

  public static byte[] zip(Map<String, Part> parts) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setLevel(Deflater.BEST_COMPRESSION);
      for (Map.Entry<String, Part> part : parts.entrySet()) {
        zip.putNextEntry(new ZipEntry(part.getKey()));
        part.getValue().write(zip);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
