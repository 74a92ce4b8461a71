package dev.freight.hostile;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The inputs of the corpus that are made rather than committed: large, binary or repetitive. */
final class Generated {
  private Generated() {}

  /** A request to write to the socket: its head (without the blank line) and its body. */
  record Request(String head, byte[] body) {
    String head(String token) {
      return head.replace("{TOKEN}", token).replace("{LENGTH}", String.valueOf(body.length));
    }
  }

  /**
   * An {@code http/*.http} file: head lines, a blank line, the body (lines end in CRLF on the
   * wire).
   */
  static Request fromFile(byte[] file) {
    String text = new String(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    int blank = text.indexOf("\n\n");
    String head = blank < 0 ? text.strip() : text.substring(0, blank);
    String body = blank < 0 ? "" : text.substring(blank + 2);
    return new Request(
        head.replace("\n", "\r\n"),
        body.replace("\n", "\r\n").replace("{CTRL}", "\u0001").getBytes(StandardCharsets.UTF_8));
  }

  static byte[] file(String name) {
    return switch (name) {
      case "csv-long-field" -> utf8("id,title\nL1," + "x".repeat(1_000_001) + "\n");
      case "csv-many-columns" -> {
        StringBuilder csv = new StringBuilder("id,title");
        for (int i = 3; i <= 101; i++) {
          csv.append(",c").append(i);
        }
        yield utf8(csv.append("\n").toString());
      }
      case "csv-many-rows" -> {
        StringBuilder csv = new StringBuilder("id,title\n");
        for (int i = 1; i <= 1001; i++) {
          csv.append("R").append(i).append(",row ").append(i).append('\n');
        }
        yield utf8(csv.toString());
      }
      case "csv-too-large" -> new byte[33 << 20];
      case "json-deep" ->
          utf8("[{\"id\": \"D1\", \"title\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}]");
      case "json-long-string" ->
          utf8("[{\"id\": \"J1\", \"title\": \"" + "x".repeat(1_000_001) + "\"}]");
      case "json-many-fields" -> {
        StringBuilder json = new StringBuilder("[{\"id\": \"J1\", \"title\": \"t\"");
        for (int i = 1; i <= 100; i++) {
          json.append(", \"f").append(i).append("\": 1");
        }
        yield utf8(json.append("}]").toString());
      }
      case "yaml-deep" -> utf8("- id: Y1\n  title: " + "[".repeat(100) + "]".repeat(100) + "\n");
      case "xlsx-valid" ->
          workbook(
              1,
              Workbooks.text(
                  Workbooks.sheetXml(
                      Workbooks.row(1, "id", "title")
                          + Workbooks.row(2, "X1", "from a workbook"))));
      case "xlsx-cell-bomb" ->
          // As the probe's: 1.15 GB of one cell, a megabyte zipped.
          workbook(
              1,
              Workbooks.repeated(
                  Workbooks.sheetXml(Workbooks.row(1, "id", "title"))
                          .replace("</sheetData></worksheet>", "")
                      + "<row r=\"2\"><c t=\"inlineStr\"><is><t>B1</t></is></c>"
                      + "<c t=\"inlineStr\"><is><t>",
                  "a",
                  1_150_000_000L,
                  "</t></is></c></row></sheetData></worksheet>"));
      case "xlsx-unzip-bomb" ->
          workbook(
              1,
              Workbooks.repeated(
                  Workbooks.sheetXml(Workbooks.row(1, "id", "title"))
                      .replace("</sheetData></worksheet>", ""),
                  "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>",
                  2_000_000,
                  "</sheetData></worksheet>"));
      case "xlsx-shared-string-index" -> {
        Map<String, Workbooks.Part> parts = Workbooks.parts(1, true);
        parts.put(
            "xl/sharedStrings.xml",
            Workbooks.text(
                "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                    + "<si><t>only one</t></si></sst>"));
        parts.put(
            "xl/worksheets/sheet1.xml",
            Workbooks.text(
                Workbooks.sheetXml(
                    Workbooks.row(1, "id", "title")
                        + "<row r=\"2\"><c t=\"inlineStr\"><is><t>S1</t></is></c>"
                        + "<c t=\"s\"><v>2000000000</v></c></row>")));
        yield Workbooks.zip(parts);
      }
      case "xlsx-missing-sheet-part" -> Workbooks.zip(Workbooks.parts(1, false));
      case "xlsx-xxe" -> {
        Map<String, Workbooks.Part> parts = Workbooks.parts(1, true);
        parts.put(
            "xl/sharedStrings.xml",
            Workbooks.text(
                "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                    + "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                    + "<si><t>&e;</t></si></sst>"));
        parts.put(
            "xl/worksheets/sheet1.xml",
            Workbooks.text(
                Workbooks.sheetXml(
                    Workbooks.row(1, "id", "title")
                        + "<row r=\"2\"><c t=\"inlineStr\"><is><t>X1</t></is></c>"
                        + "<c t=\"s\"><v>0</v></c></row>")));
        yield Workbooks.zip(parts);
      }
      case "xlsx-many-sheets" ->
          workbook(101, Workbooks.text(Workbooks.sheetXml(Workbooks.row(1, "id", "title"))));
      case "xlsx-many-zip-entries" -> {
        Map<String, Workbooks.Part> parts = Workbooks.parts(1, false);
        parts.put(
            "xl/worksheets/sheet1.xml",
            Workbooks.text(Workbooks.sheetXml(Workbooks.row(1, "id", "title"))));
        for (int i = 0; i < 10_001; i++) {
          parts.put("xl/media/empty" + i + ".bin", Workbooks.text(""));
        }
        yield Workbooks.zip(parts);
      }
      case "xlsx-wide-row" -> {
        String[] header = new String[101];
        header[0] = "id";
        header[1] = "title";
        for (int i = 2; i < header.length; i++) {
          header[i] = "c" + (i + 1);
        }
        yield workbook(1, Workbooks.text(Workbooks.sheetXml(Workbooks.row(1, header))));
      }
      default -> throw new AssertionError("no generated input " + name);
    };
  }

  static Request request(String name) {
    String auth = "Host: freight\r\nAuthorization: Token {TOKEN}";
    return switch (name) {
      case "long-file-name" -> multipart(auth, Map.of("x".repeat(300) + ".csv", "id,title\nA,B\n"));
      case "many-parts" -> {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 300; i++) {
          body.append(part("standard" + i + ".csv", "id,title\nA,B\n"));
        }
        yield multipartBody(auth, body.append("--XyZ--\r\n").toString());
      }
      case "long-path" ->
          new Request("GET /" + "a".repeat(10_000) + " HTTP/1.1\r\n" + auth, new byte[0]);
      case "huge-header" ->
          new Request(
              "GET /api/v2/users/me/ HTTP/1.1\r\n" + auth + "\r\nX-Big: " + "b".repeat(10_000),
              new byte[0]);
      default -> throw new AssertionError("no generated request " + name);
    };
  }

  private static Request multipart(String auth, Map<String, String> files) {
    StringBuilder body = new StringBuilder();
    files.forEach((fileName, content) -> body.append(part(fileName, content)));
    return multipartBody(auth, body.append("--XyZ--\r\n").toString());
  }

  private static String part(String fileName, String content) {
    return "--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
        + fileName
        + "\"\r\nContent-Type: text/csv\r\n\r\n"
        + content
        + "\r\n";
  }

  private static Request multipartBody(String auth, String body) {
    return new Request(
        "POST /api/v2/library/import/ HTTP/1.1\r\n"
            + auth
            + "\r\nContent-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: {LENGTH}",
        utf8(body));
  }

  /** A workbook of {@code sheets} sheets whose first, "standard", is {@code sheet}. */
  private static byte[] workbook(int sheets, Workbooks.Part sheet) {
    Map<String, Workbooks.Part> parts = Workbooks.parts(sheets, false);
    parts.put("xl/worksheets/sheet1.xml", sheet);
    return Workbooks.zip(parts);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
