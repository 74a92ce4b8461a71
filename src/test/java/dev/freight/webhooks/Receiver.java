package dev.freight.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A webhook receiver on a loopback port: keeps every request it gets, and answers the n-th (from 1)
 * as {@code answer} says.
 */
public final class Receiver implements AutoCloseable {
  private static final Vertx VERTX = Vertx.vertx();

  /** A request as it arrived. */
  public record Received(String path, String signature, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    /** Checks the signature as the README tells a receiver to. */
    boolean signedWith(String secret) {
      String t = null;
      String v1 = null;
      for (String part : signature.split(",")) {
        if (part.startsWith("t=")) {
          t = part.substring(2);
        } else if (part.startsWith("v1=")) {
          v1 = part.substring(3);
        }
      }
      if (t == null || v1 == null) {
        return false;
      }
      long age = System.currentTimeMillis() / 1000 - Long.parseLong(t);
      return Math.abs(age) <= 300 && hmac(secret, t + "." + body).equals(v1);
    }
  }

  private final HttpServer server;
  final List<Received> received;

  private Receiver(HttpServer server, List<Received> received) {
    this.server = server;
    this.received = received;
  }

  /** Answers every request with {@code status}. */
  public static Receiver answering(int status) {
    return start((request, n) -> request.response().setStatusCode(status).end("thanks"));
  }

  /** Answers as {@code handler} does with the n-th request, n counting from 1. */
  public static Receiver start(BiConsumer<HttpServerRequest, Integer> handler) {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer server =
        VERTX
            .createHttpServer()
            .requestHandler(
                request ->
                    request
                        .body()
                        .onSuccess(
                            body -> {
                              received.add(
                                  new Received(
                                      request.path(),
                                      request.getHeader("Freight-Signature"),
                                      body.toString(StandardCharsets.UTF_8)));
                              handler.accept(request, received.size());
                            }))
            .listen(0, "127.0.0.1")
            .await();
    return new Receiver(server, received);
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  int port() {
    return server.actualPort();
  }

  /** Waits up to a minute until {@code count} requests arrived. */
  public List<Received> await(int count) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (received.size() < count && System.nanoTime() < deadline) {
      sleep(50);
    }
    assertThat(received).as("requests received").hasSizeGreaterThanOrEqualTo(count);
    return List.copyOf(received);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static String hmac(String secret, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    server.close().await();
  }
}
