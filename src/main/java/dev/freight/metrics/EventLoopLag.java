package dev.freight.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.concurrent.TimeUnit;

/**
 * How late the event loop it runs on serves a timer: Vert.x has no meter for it. A loop held up by
 * blocking work or a flood of requests shows here first, as {@code freight_event_loop_lag_seconds}
 * by loop. One instance per event loop.
 */
public final class EventLoopLag extends VerticleBase {
  private static final long PERIOD_MS = 200;

  private final MeterRegistry registry;
  private Timer lag;
  private long timer;

  EventLoopLag(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    lag =
        Timer.builder("freight.event.loop.lag")
            .description("How late a periodic timer fired on this event loop")
            .tag("loop", Thread.currentThread().getName())
            .register(registry);
    arm();
    return Future.succeededFuture();
  }

  /** One timer at a time, each measured against when it was due. */
  private void arm() {
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    timer =
        vertx.setTimer(
            PERIOD_MS,
            fired -> {
              lag.record(Math.max(0, System.nanoTime() - due), TimeUnit.NANOSECONDS);
              arm();
            });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
