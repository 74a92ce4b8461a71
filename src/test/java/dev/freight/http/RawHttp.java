package dev.freight.http;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Requests the HTTP client will not send (lying Content-Length, cut bodies, huge request lines),
 * written byte by byte to a socket. The answer must come within a minute: no answer is a hang.
 */
public final class RawHttp {
  private RawHttp() {}

  /** An answer: its status, and its body as text. */
  public record Answer(int status, String contentType, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  /**
   * Sends {@code head} (the request line and headers, without the blank line) and {@code body},
   * then waits for the answer without closing the sending side, as a client that means to send more
   * would.
   */
  public static Answer send(int port, String head, byte[] body) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      return read(socket.getInputStream());
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within a minute to " + head.lines().findFirst().get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n; (n = in.read(buf)) > 0; ) {
      all.write(buf, 0, n);
    }
    String text = all.toString(StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new AssertionError("no complete answer: '" + text + "'");
    }
    String[] head = text.substring(0, end).split("\r\n");
    String contentType = null;
    boolean chunked = false;
    for (String header : head) {
      String lower = header.toLowerCase();
      if (lower.startsWith("content-type:")) {
        contentType = header.substring(13).trim();
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      }
    }
    String body = text.substring(end + 4);
    return new Answer(
        Integer.parseInt(head[0].split(" ")[1]), contentType, chunked ? unchunk(body) : body);
  }

  private static String unchunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (at < body.length()) {
      int eol = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, eol).trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, eol + 2 + size);
      at = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
