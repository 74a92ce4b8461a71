package dev.freight.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs a verticle is running right now, so that a cancel message can reach them. Only control
 * lives here; every job's state is in PostgreSQL. {@code K} is the type of the job ids.
 */
public final class RunningJobs<K> {

  /** One running job: work checks {@link #checkpoint()} between batches. */
  public static final class Run {
    private volatile boolean cancelRequested;
    private final Promise<Void> done = Promise.promise();

    /** Throws {@link Cancelled} once a cancel was asked for. */
    public void checkpoint() {
      if (cancelRequested) {
        throw new Cancelled();
      }
    }

    public boolean cancelRequested() {
      return cancelRequested;
    }
  }

  private final Map<K, Run> runs = new ConcurrentHashMap<>();

  /** Registers a run, or returns empty when this job is already running. */
  public Optional<Run> begin(K id) {
    Run run = new Run();
    return runs.putIfAbsent(id, run) == null ? Optional.of(run) : Optional.empty();
  }

  /** Marks the run over, waking whoever waits for it to stop. */
  public void end(K id) {
    Run run = runs.remove(id);
    if (run != null) {
      run.done.tryComplete();
    }
  }

  public boolean isRunning(K id) {
    return runs.containsKey(id);
  }

  /** Asks the run to stop; the future completes once it has. Empty when the job is not running here. */
  public Optional<Future<Void>> cancel(K id) {
    Run run = runs.get(id);
    if (run == null) {
      return Optional.empty();
    }
    run.cancelRequested = true;
    return Optional.of(run.done.future());
  }

  /** Completes once every run under way now has ended, for a verticle that stops. */
  public Future<Void> allEnded() {
    List<Future<Void>> ends = runs.values().stream().map(run -> run.done.future()).toList();
    return Future.join(ends).mapEmpty();
  }
}
