package dev.freight.webhooks;

import dev.freight.config.FreightConfig;
import dev.freight.metrics.WebhookDeliveries;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;

/**
 * Sends due deliveries, at most {@code max_in_flight} at once on this node: claims them from the
 * outbox, signs each body, posts it to the subscription's URL and records the attempt. Runs on its
 * verticle's event loop, so its counters need no locks.
 */
final class Deliverer {
  private static final System.Logger LOG = System.getLogger(Deliverer.class.getName());
  static final int CONNECT_TIMEOUT_MS = 5_000;
  static final int TOTAL_TIMEOUT_MS = 10_000;
  static final int MAX_ANSWER_BYTES = 64 * 1024;
  private static final double MAX_RETRY_SECONDS = 3_600;

  /** How long a stop waits for sends under way to be recorded. */
  private static final long DRAIN_MS = 5_000;

  private final Vertx vertx;
  private final Outbox outbox;
  private final FreightConfig.Webhooks config;
  private final BiFunction<String, String, Future<JsonObject>> jobAsItsGetAnswers;
  private final WebhookDeliveries meters;
  private final WebClient client;
  private int inFlight;
  private Future<List<Outbox.Due>> claiming;
  private boolean nudged;
  private boolean closed;
  private Promise<Void> drained;

  /**
   * @param jobAsItsGetAnswers (kind, id) → the job as its GET answers, for an event whose data was
   *     not filled (its node stopped right after the change)
   */
  Deliverer(
      Vertx vertx,
      Outbox outbox,
      FreightConfig.Webhooks config,
      BiFunction<String, String, Future<JsonObject>> jobAsItsGetAnswers,
      WebhookDeliveries meters) {
    this.vertx = vertx;
    this.outbox = outbox;
    this.config = config;
    this.jobAsItsGetAnswers = jobAsItsGetAnswers;
    this.meters = meters;
    // No keep-alive: a connection whose answer was cut short is never reused; the idle timeout
    // closes one that stopped sending.
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions()
                .setFollowRedirects(false)
                .setKeepAlive(false)
                .setConnectTimeout(CONNECT_TIMEOUT_MS)
                .setIdleTimeout(TOTAL_TIMEOUT_MS / 1000)
                .setUserAgent("Freight-Webhooks"),
            new PoolOptions().setHttp1MaxSize(config.maxInFlight()));
  }

  /** Claims and sends what is due, as far as free slots allow; call again whenever it may be. */
  void pump() {
    if (closed) {
      return;
    }
    if (claiming != null) {
      nudged = true;
      return;
    }
    int free = config.maxInFlight() - inFlight;
    if (free <= 0) {
      return;
    }
    nudged = false;
    claiming = outbox.claim(free);
    claiming.onComplete(
        claimed -> {
          claiming = null;
          if (closed) {
            return; // stopping: close() hands what it claimed back
          }
          if (claimed.failed()) {
            LOG.log(
                System.Logger.Level.WARNING, "claiming webhook deliveries failed", claimed.cause());
            return; // the next poll tries again
          }
          List<Outbox.Due> due = claimed.result();
          due.forEach(this::deliver);
          if (nudged || due.size() == free) {
            pump();
          }
        });
  }

  /**
   * Claims no more; sends under way are cut, and completes once they are recorded (as failed
   * attempts, retried later). What a claim under way takes is handed back, so that another node
   * sends it at once rather than once the claim has run out: a rolling deploy delays no delivery by
   * a minute.
   */
  Future<Void> close() {
    closed = true;
    client.close();
    drained = Promise.promise();
    if (inFlight == 0) {
      drained.complete();
    } else {
      // A send waiting on a job's answer may outlast the stop: its claim then runs out instead.
      vertx.setTimer(DRAIN_MS, late -> drained.tryComplete());
    }
    Future<Void> handedBack =
        claiming == null
            ? Future.succeededFuture()
            : claiming.transform(
                claimed ->
                    claimed.succeeded()
                        ? outbox.release(claimed.result())
                        : Future.succeededFuture());
    return Future.all(handedBack, drained.future()).mapEmpty();
  }

  private void deliver(Outbox.Due due) {
    inFlight++;
    long started = System.nanoTime();
    (due.data() != null
            ? Future.succeededFuture(due.data())
            : jobAsItsGetAnswers
                .apply(due.kind(), due.jobId())
                .compose(data -> outbox.fill(due.eventId(), data)))
        .compose(data -> send(due, data))
        .transform(
            sent -> {
              Duration took = Duration.ofNanos(System.nanoTime() - started);
              return outbox
                  .record(
                      due,
                      sent.succeeded() ? sent.result() : statusOf(sent.cause()),
                      sent.succeeded() ? null : sent.cause().getMessage(),
                      took.toMillis(),
                      retryDelaySeconds(due.attempt()))
                  .onSuccess(status -> count(status, took));
            })
        .onComplete(
            recorded -> {
              if (recorded.failed()) {
                // The claim runs out and the delivery is tried again.
                LOG.log(
                    System.Logger.Level.WARNING,
                    "recording webhook delivery " + due.id() + " failed",
                    recorded.cause());
              }
              inFlight--;
              if (closed && inFlight == 0) {
                drained.tryComplete();
              }
              pump();
            });
  }

  /** Sends the event; completes with the 2xx status, or fails saying why (with the status). */
  private Future<Integer> send(Outbox.Due due, JsonObject data) {
    String body =
        new JsonObject()
            .put("id", due.eventId())
            .put("type", due.type())
            .put("created", due.created())
            .put("data", data)
            .encode();
    URI uri = Targets.parse(due.url());
    return vertx
        .executeBlocking(() -> InetAddress.getByName(uri.getHost()), false)
        .recover(
            unknown ->
                Future.failedFuture(new IllegalStateException("cannot resolve " + uri.getHost())))
        .compose(
            address -> {
              if (!config.allowPrivateTargets() && Targets.isPrivate(address)) {
                return Future.failedFuture(
                    new IllegalStateException(
                        "refused: "
                            + uri.getHost()
                            + " is the private address "
                            + address.getHostAddress()
                            + " (webhooks.allow_private_targets is false)"));
              }
              return post(uri, address, due, body);
            });
  }

  /** Posts to the address already checked, naming the URL's host in the Host header (and SNI). */
  private Future<Integer> post(URI uri, InetAddress address, Outbox.Due due, String body) {
    Promise<Integer> answered = Promise.promise();
    long timer =
        vertx.setTimer(
            TOTAL_TIMEOUT_MS,
            t ->
                answered.tryFail(
                    new IllegalStateException(
                        "no answer within " + TOTAL_TIMEOUT_MS / 1000 + " s")));
    int port = Targets.port(uri);
    client
        .request(
            HttpMethod.POST,
            SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)),
            new RequestOptions()
                .setHost(uri.getHost())
                .setPort(port)
                .setURI(Targets.target(uri))
                .setSsl(Targets.https(uri)))
        .followRedirects(false)
        .connectTimeout(CONNECT_TIMEOUT_MS)
        .idleTimeout(TOTAL_TIMEOUT_MS)
        .putHeader("Content-Type", "application/json")
        .putHeader(Signature.HEADER, Signature.header(due.secret(), nowSeconds(), body))
        .as(LimitedAnswer.CODEC)
        .sendBuffer(Buffer.buffer(body))
        .onComplete(
            sent -> {
              vertx.cancelTimer(timer);
              if (sent.failed()) {
                answered.tryFail(sent.cause());
              } else {
                HttpResponse<Void> response = sent.result();
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                  answered.tryComplete(status);
                } else {
                  answered.tryFail(new Answered(status));
                }
              }
            });
    return answered.future();
  }

  /** Counts the attempt by the delivery's status after it; none when its claim was lost. */
  private void count(String status, Duration took) {
    if (status != null) {
      meters.attempted(
          switch (status) {
            case "succeeded" -> WebhookDeliveries.Result.SUCCESS;
            case "failed" -> WebhookDeliveries.Result.FAILED;
            default -> WebhookDeliveries.Result.RETRY;
          },
          took);
    }
  }

  private static long nowSeconds() {
    return System.currentTimeMillis() / 1000;
  }

  /** The status of an answer that was not a 2xx, or null when none came. */
  private static Integer statusOf(Throwable failure) {
    return failure instanceof Answered answered ? answered.status : null;
  }

  /** Exponential backoff with jitter: about first_retry × 2^(attempt-1), capped at an hour. */
  private double retryDelaySeconds(int attempt) {
    double base =
        Math.min(
            MAX_RETRY_SECONDS, config.firstRetrySeconds() * Math.pow(2, Math.min(attempt - 1, 30)));
    return base * ThreadLocalRandom.current().nextDouble(0.8, 1.2);
  }

  /** An answer that was not a 2xx. */
  private static final class Answered extends RuntimeException {
    final int status;

    Answered(int status) {
      super("answered " + status, null, false, false);
      this.status = status;
    }
  }

  /**
   * Reads the answer without keeping it, failing once it is longer than {@link #MAX_ANSWER_BYTES}:
   * a receiver cannot make the sender read without end.
   */
  private static final class LimitedAnswer implements BodyStream<Void> {
    static final BodyCodec<Void> CODEC = LimitedAnswer::new;
    private final Promise<Void> result = Promise.promise();
    private long read;

    @Override
    public Future<Void> result() {
      return result.future();
    }

    @Override
    public void handle(Throwable failure) {
      result.tryFail(failure);
    }

    @Override
    public Future<Void> write(Buffer data) {
      read += data.length();
      if (read > MAX_ANSWER_BYTES) {
        IllegalStateException tooLong =
            new IllegalStateException("answer longer than " + MAX_ANSWER_BYTES / 1024 + " KiB");
        result.tryFail(tooLong);
        return Future.failedFuture(tooLong);
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      result.tryComplete();
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      return this;
    }
  }
}
