package dev.freight.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Webhook delivery attempts by result ({@code success}: a 2xx; {@code retry}: another try is due;
 * {@code failed}: the retry window is over), and how long each took, from the claim to the answer.
 */
public final class WebhookDeliveries {
  /** Results of an attempt, as the {@code result} label says them. */
  public enum Result {
    SUCCESS,
    RETRY,
    FAILED
  }

  static final String DURATION = "freight.webhook.delivery.duration";

  private final Map<Result, Counter> attempts;
  private final Timer duration;

  WebhookDeliveries(MeterRegistry registry) {
    // Every result registered up front: a series is there (at 0) before its first attempt.
    attempts =
        Stream.of(Result.values())
            .collect(
                Collectors.toMap(
                    Function.identity(),
                    result ->
                        Counter.builder("freight.webhook.deliveries")
                            .description("Webhook delivery attempts, by result")
                            .tag("result", result.name().toLowerCase(Locale.ROOT))
                            .register(registry)));
    duration =
        Timer.builder(DURATION)
            .description("How long a webhook delivery attempt took, answer or not")
            .register(registry);
  }

  public void attempted(Result result, Duration took) {
    attempts.get(result).increment();
    duration.record(took);
  }
}
