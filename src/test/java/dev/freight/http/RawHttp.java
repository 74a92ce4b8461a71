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

  /**
   * Sends {@code head} and the {@code pieces} of a body in chunks of 64 KiB (chunked transfer
   * encoding: the server learns the body's length only at its end), while reading the answer: a
   * server may answer and close before the body is all sent.
   */
  public static Answer sendChunked(int port, String head, byte[]... pieces) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      Thread sender =
          new Thread(
              () -> {
                try {
                  out.write(
                      (head + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                          .getBytes(StandardCharsets.UTF_8));
                  for (byte[] piece : pieces) {
                    for (int at = 0; at < piece.length; at += 65_536) {
                      int size = Math.min(65_536, piece.length - at);
                      out.write(
                          (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.UTF_8));
                      out.write(piece, at, size);
                      out.write("\r\n".getBytes(StandardCharsets.UTF_8));
                    }
                  }
                  out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
                  out.flush();
                } catch (IOException closed) {
                  // the server answered and closed the connection before the body's end
                }
              });
      sender.setDaemon(true);
      sender.start();
      Answer answer = read(socket.getInputStream());
      sender.interrupt();
      return answer;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no answer within a minute to " + head.lines().findFirst().get());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads one answer: its head, then as much body as its Content-Length says, or its chunks (the
   * server may keep the connection open, waiting for the rest of a body it refused).
   */
  private static Answer read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    String text = "";
    int headEnd = -1;
    byte[] buf = new byte[8192];
    for (int n; !complete(text, headEnd) && (n = in.read(buf)) > 0; ) {
      all.write(buf, 0, n);
      text = all.toString(StandardCharsets.UTF_8);
      headEnd = text.indexOf("\r\n\r\n");
    }
    if (headEnd < 0) {
      throw new AssertionError("no complete answer: '" + text + "'");
    }
    String[] head = text.substring(0, headEnd).split("\r\n");
    String body = text.substring(headEnd + 4);
    return new Answer(
        Integer.parseInt(head[0].split(" ")[1]),
        header(head, "content-type"),
        header(head, "transfer-encoding") != null ? unchunk(body) : body);
  }

  private static boolean complete(String text, int headEnd) {
    if (headEnd < 0) {
      return false;
    }
    String[] head = text.substring(0, headEnd).split("\r\n");
    String body = text.substring(headEnd + 4);
    String length = header(head, "content-length");
    if (length != null) {
      return body.getBytes(StandardCharsets.UTF_8).length >= Integer.parseInt(length);
    }
    return header(head, "transfer-encoding") == null || body.contains("0\r\n\r\n");
  }

  private static String header(String[] head, String name) {
    for (String line : head) {
      if (line.toLowerCase().startsWith(name + ":")) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
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
