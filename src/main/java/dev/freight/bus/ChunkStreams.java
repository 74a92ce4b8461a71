package dev.freight.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Large answers travel the event bus as a pulled stream: the verticle that owns the data opens a
 * {@link ChunkSource} here and replies with its id; the HTTP side then asks {@link #NEXT} for one
 * chunk at a time, as fast as the client reads. An abandoned stream is closed after a while.
 */
public final class ChunkStreams {
  public static final String NEXT = "streams.next";
  public static final String CLOSE = "streams.close";

  /** Header set on the reply that ends a stream. */
  public static final String END = "end";

  private static final long IDLE_MS = 120_000;

  /**
   * How requests to {@link #NEXT} and {@link #CLOSE} are sent: a stream lives on the node that
   * opened it, which is the node whose HTTP side pulls it.
   */
  public static DeliveryOptions local() {
    return new DeliveryOptions().setLocalOnly(true);
  }

  private static final class Open {
    final ChunkSource source;
    volatile long lastUsed = System.currentTimeMillis();

    Open(ChunkSource source) {
      this.source = source;
    }
  }

  private final Map<String, Open> open = new ConcurrentHashMap<>();

  public Future<Void> bind(Vertx vertx) {
    vertx.setPeriodic(
        IDLE_MS / 4,
        tick -> {
          long idleSince = System.currentTimeMillis() - IDLE_MS;
          open.entrySet()
              .removeIf(
                  entry -> {
                    boolean idle = entry.getValue().lastUsed < idleSince;
                    if (idle) {
                      entry.getValue().source.close();
                    }
                    return idle;
                  });
        });
    return Future.all(
            vertx.eventBus().<String>localConsumer(NEXT, this::next).completion(),
            vertx
                .eventBus()
                .<String>localConsumer(
                    CLOSE,
                    message -> {
                      close(message.body());
                      message.reply(null);
                    })
                .completion())
        .mapEmpty();
  }

  /** Registers the source; the id goes back to whoever will pull it. */
  public String open(ChunkSource source) {
    String id = UUID.randomUUID().toString();
    open.put(id, new Open(source));
    return id;
  }

  private void next(Message<String> message) {
    Open stream = open.get(message.body());
    if (stream == null) {
      message.fail(410, "stream " + message.body() + " is closed");
      return;
    }
    stream.lastUsed = System.currentTimeMillis();
    stream
        .source
        .next()
        .onComplete(
            result -> {
              if (result.failed()) {
                close(message.body());
                message.fail(500, String.valueOf(result.cause().getMessage()));
              } else if (result.result() == null) {
                close(message.body());
                message.reply(Buffer.buffer(), new DeliveryOptions().addHeader(END, "true"));
              } else {
                message.reply(result.result());
              }
            });
  }

  private void close(String id) {
    Open stream = open.remove(id);
    if (stream != null) {
      stream.source.close();
    }
  }
}
