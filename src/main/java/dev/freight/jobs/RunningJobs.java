package dev.freight.jobs;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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
  private volatile boolean stopping;

  /** Registers a run, or returns empty when this job is already running. */
  public Optional<Run> begin(K id) {
    Run run = new Run();
    return runs.putIfAbsent(id, run) == null ? Optional.of(run) : Optional.empty();
  }

  /**
   * Completes once the job has no run here. A run ends a little after its job's last state change
   * (it still cleans up), so work a user starts from that state must wait for it.
   */
  public Future<Void> idle(K id) {
    Run run = runs.get(id);
    return run == null ? Future.succeededFuture() : run.done.future();
  }

  /** Marks the run over, waking whoever waits for it to stop. */
  public void end(K id) {
    Run run = runs.remove(id);
    if (run != null) {
      run.done.tryComplete();
    }
  }

  /**
   * The server is stopping: every run stops at its next checkpoint, and its job is left in its
   * state for the next start to pick up. Completes when all runs have ended.
   */
  public Future<Void> stopAll() {
    stopping = true;
    runs.values().forEach(run -> run.cancelRequested = true);
    return Future.all(runs.values().stream().map(run -> run.done.future()).toList()).mapEmpty();
  }

  /**
   * True once {@link #stopAll()} was called: a run that stops now was interrupted, not cancelled.
   */
  public boolean stopping() {
    return stopping;
  }

  /**
   * Asks the run to stop; the future completes once it has. Empty when the job is not running here.
   */
  public Optional<Future<Void>> cancel(K id) {
    Run run = runs.get(id);
    if (run == null) {
      return Optional.empty();
    }
    run.cancelRequested = true;
    return Optional.of(run.done.future());
  }
}
