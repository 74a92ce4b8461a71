package dev.freight.jobs;

import dev.freight.db.Database;
import dev.freight.db.Purges;
import dev.freight.logging.Log;
import dev.freight.logging.LogFields;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Runs the jobs of one kind on behalf of the verticle that owns them: claims a job in PostgreSQL,
 * runs its work (which checks {@link Run#checkpoint()} between batches), settles it when the work
 * ends (cancelled, failed, or left as it is when the server stops), takes cancels, and resumes at
 * start the jobs a stopped server left, and runs the kind's retention purge if it has one ({@link
 * #purgeEvery}). A kind supplies only its {@link Kind work} and its state table. The verticle owns
 * the runner, so a cancel reaches the run as a message to that verticle; in a cluster, a cancel for
 * a job another node holds is passed to that node's runner.
 */
public final class JobRunner<K, S extends Enum<S> & JobStatus> {
  /** How long a cancel that waits for its run, or a stopping server, waits at most. */
  public static final long STOP_WAIT_S = 30;

  private static final Log LOG = Log.of(JobRunner.class);

  /** How long a cancel that does not wait waits for the node running the job to take it. */
  private static final long ASK_TIMEOUT_MS = 5_000;

  /** What one kind of job supplies. */
  public interface Kind<K, S> {
    /** Runs the job, just claimed in {@code status}. */
    Future<Void> work(K id, S status, Run run);

    /**
     * Ends the job cancelled or failed ({@code failure} is then the message): the kind's columns
     * and clean-up, around the move that {@code end} makes.
     */
    Future<Boolean> end(K id, S to, String failure, Ending end);
  }

  /** The status move of an ending, for a kind to wrap in its own columns and clean-up. */
  @FunctionalInterface
  public interface Ending {
    /**
     * Moves the job on {@code client} (a transaction of the kind's, or the pool), setting {@code
     * also}.
     */
    Future<Boolean> move(SqlClient client, Map<String, Object> also);
  }

  /** One run of a job: its token in the job's row, and whether it was told to stop. */
  public static final class Run {
    private final long token;
    private volatile boolean stopRequested;
    private volatile boolean leaseLost;
    private final Promise<Void> done = Promise.promise();

    Run(long token) {
      this.token = token;
    }

    /** The run's fencing token: the job's {@code run_token} while this run holds it. */
    public long token() {
      return token;
    }

    /** Throws {@link Cancelled} once the run was told to stop, or lost its lease. */
    public void checkpoint() {
      if (stopRequested) {
        throw new Cancelled();
      }
    }
  }

  private final Vertx vertx;
  private final JobTable<K, S> table;
  private final Lease lease;
  private final String work;
  private final Kind<K, S> kind;
  private final Map<K, Run> runs = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  // The queue, for kinds that run a bounded number at once; touched only on the owner's event loop.
  private final Queue<S> queue;
  private int queued;
  private boolean claiming;
  private boolean wokenWhileClaiming;
  private long watchTimer = -1;
  private long purgeTimer = -1;

  /**
   * Where waiting jobs are taken from: in {@code waiting}, oldest first by {@code order}, claimed
   * into {@code running}, at most {@code maxRunning} at a time on this node.
   */
  public record Queue<S>(S waiting, S running, String order, int maxRunning) {}

  /**
   * @param work what a run does, as in "The import stopped unexpectedly"
   * @param queue where waiting jobs are taken from; null when the verticle starts each job itself
   */
  public JobRunner(
      Vertx vertx,
      JobTable<K, S> table,
      Lease lease,
      String work,
      Kind<K, S> kind,
      Queue<S> queue) {
    this.vertx = vertx;
    this.table = table;
    this.lease = lease;
    this.work = work;
    this.kind = kind;
    this.queue = queue;
  }

  public JobTable<K, S> table() {
    return table;
  }

  public Lease lease() {
    return lease;
  }

  /**
   * Takes the jobs no node holds (a stopped server left them mid-way, or their node's lease
   * expired), now and every {@link Lease#renewEveryMs()}: each of {@code resumable}'s statuses is
   * claimed into the status its work runs in; then waiting jobs start. Meanwhile this node's leases
   * are renewed; a run whose lease could not be renewed stops at its next checkpoint and leaves its
   * job to whichever node takes it.
   */
  public Future<Void> resume(Map<S, S> resumable, String order) {
    return vertx
        .eventBus()
        .<JsonObject>consumer(cancelAddress(lease.node()), this::cancelHere)
        .completion()
        .compose(bound -> takeUnheld(resumable, order))
        .onSuccess(
            taken ->
                watchTimer =
                    vertx.setPeriodic(
                        lease.renewEveryMs(),
                        tick -> {
                          renewLeases();
                          takeUnheld(resumable, order)
                              .onFailure(failure -> warn("cannot look for unheld jobs", failure));
                        }));
  }

  /**
   * Purges what the kind keeps past its retention, now and every {@code intervalMs} until {@link
   * #stop()}: see {@link Purges#schedule}.
   */
  public void purgeEvery(
      System.Logger log,
      String what,
      long intervalMs,
      Supplier<Future<Integer>> purge,
      IntFunction<String> purged) {
    purgeTimer = Purges.schedule(vertx, log, what, intervalMs, purge, purged);
  }

  private Future<Void> takeUnheld(Map<S, S> resumable, String order) {
    return table
        .unheld(resumable.keySet(), order)
        .map(
            jobs -> {
              jobs.stream()
                  .filter(job -> !runs.containsKey(job.getKey()))
                  .forEach(
                      job -> {
                        LOG.info(
                            fields(job.getKey()),
                            "taking "
                                + table.states().noun()
                                + " "
                                + job.getKey()
                                + " ("
                                + job.getValue().wire()
                                + ")");
                        start(job.getKey(), resumable.get(job.getValue()));
                      });
              wake();
              return null;
            });
  }

  private void renewLeases() {
    List<K> running = List.copyOf(runs.keySet());
    if (running.isEmpty()) {
      return;
    }
    table
        .renew(lease, running)
        .onSuccess(
            held ->
                running.stream()
                    .filter(id -> !held.contains(id))
                    .forEach(
                        id -> {
                          Run run = runs.get(id);
                          if (run != null) {
                            LOG.warning(
                                fields(id),
                                "lost the lease of " + describe(id) + ": it stops here");
                            run.leaseLost = true;
                            run.stopRequested = true;
                          }
                        }))
        .onFailure(failure -> warn("cannot renew leases", failure));
  }

  /** A database that is down is said in one line each time, not with a stack trace. */
  private static void warn(String what, Throwable failure) {
    if (Database.unavailable(failure)) {
      LOG.warning(what + ": " + failure.getMessage(), null);
    } else {
      LOG.warning(what, failure);
    }
  }

  /**
   * Claims the job into {@code running} and runs it, once a previous run of it has finished
   * cleaning up. A job that is no longer in a status that may move there is left alone.
   */
  public void start(K id, S running) {
    idle(id)
        .compose(
            idle ->
                stopping
                    ? Future.succeededFuture(Optional.<Long>empty())
                    : table.claim(id, running, lease))
        .onSuccess(token -> token.ifPresent(t -> launch(id, running, t)))
        .onFailure(failure -> LOG.error(fields(id), "cannot start " + describe(id), failure));
  }

  /** Starts waiting jobs while there is room: one claim at a time, and again if woken meanwhile. */
  public void wake() {
    if (queue == null) {
      return;
    }
    if (claiming) {
      wokenWhileClaiming = true;
      return;
    }
    if (stopping || queued >= queue.maxRunning()) {
      return;
    }
    claiming = true;
    wokenWhileClaiming = false;
    table
        .claimNext(queue.waiting(), queue.running(), queue.order(), lease)
        .onComplete(
            claimed -> {
              claiming = false;
              if (claimed.failed()) {
                LOG.error("cannot claim a waiting job", claimed.cause());
              } else if (claimed.result().isPresent()) {
                JobTable.Claimed<K> job = claimed.result().get();
                queued++;
                launch(job.id(), queue.running(), job.token())
                    .onComplete(
                        done -> {
                          queued--;
                          wake();
                        });
                wake();
                return;
              }
              if (wokenWhileClaiming) {
                wake();
              }
            });
  }

  private Future<Void> launch(K id, S status, long token) {
    Run run = new Run(token);
    if (runs.putIfAbsent(id, run) != null) {
      return Future.succeededFuture();
    }
    Future<Void> work;
    try {
      work = kind.work(id, status, run);
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    return work.recover(failure -> settle(id, run, failure))
        // Handed back: a job that is not finished (the server stops) is taken by another node at
        // once. A run that lost its job to a newer one releases nothing (the token has moved on).
        .eventually(() -> table.release(id, run.token))
        .compose(settled -> cancelledAfterLastCheckpoint(id, run))
        .onComplete(
            settled -> {
              runs.remove(id, run);
              run.done.tryComplete();
            });
  }

  /**
   * A cancel that came after the work's last checkpoint, up to the end of the run, still cancels
   * the job if its state allows it (a finished diff under review; not an applied import), while
   * this run's token holds: a retry may have started a new run of the job since.
   */
  private Future<Void> cancelledAfterLastCheckpoint(K id, Run run) {
    return run.stopRequested && !stopping && !run.leaseLost
        ? end(id, table.states().cancelled(), null, run.token).mapEmpty()
        : Future.succeededFuture();
  }

  /**
   * A stopped run ends its job cancelled, a broken one failed with what broke it; one stopped by a
   * stopping server, or whose lease was lost, stays as it is, for the node that takes it next.
   */
  private Future<Void> settle(K id, Run run, Throwable failure) {
    if (stopping || run.leaseLost) {
      return Future.succeededFuture();
    }
    if (Database.unavailable(failure)) {
      // PostgreSQL went away under the run (nothing of it is half-committed): the job stays as it
      // is, and once its lease has expired it is taken again, here or on another node.
      LOG.warning(
          describe(id)
              + " stopped, the database being unavailable; it resumes once its lease expires",
          failure);
      return Future.succeededFuture();
    }
    S to;
    String message = null;
    if (failure instanceof Cancelled) {
      to = table.states().cancelled();
    } else {
      LOG.error(fields(id), describe(id) + " failed", failure);
      to = table.states().failed();
      message = "The " + work + " stopped unexpectedly: " + failure.getMessage();
    }
    return end(id, to, message, run.token)
        .<Void>mapEmpty()
        .onFailure(broken -> LOG.error(fields(id), "cannot settle " + describe(id), broken));
  }

  /** Ends the job in {@code to}; with a run token, only while that run holds the job. */
  private Future<Boolean> end(K id, S to, String failure, Long token) {
    return kind.end(
        id,
        to,
        failure,
        (client, also) -> table.move(client, id, to, also, token).map(Optional::isPresent));
  }

  /** Ends a job that is not running (waiting, under review, or orphaned) failed, at once. */
  public Future<Boolean> fail(K id, String message) {
    return end(id, table.states().failed(), message, null);
  }

  /**
   * Cancels the job: a run is told to stop and, with {@code wait}, waited for (at most {@value
   * #STOP_WAIT_S} s), here or on the node whose lease on the job is alive; a job with nothing
   * running, or whose node does not answer, is cancelled in PostgreSQL at once. The caller has
   * checked that the job may be cancelled; completes with whether it was, or a run is stopping.
   */
  public Future<Void> cancel(K id, boolean wait) {
    Run run = runs.get(id);
    if (run != null) {
      return stopRun(run, wait);
    }
    return table
        .holder(id)
        .compose(
            holder ->
                holder.isEmpty() || holder.get().equals(lease.node())
                    ? cancelled(id)
                    : askToCancel(holder.get(), id, wait));
  }

  private Future<Void> stopRun(Run run, boolean wait) {
    run.stopRequested = true;
    return wait
        ? run.done.future().timeout(STOP_WAIT_S, TimeUnit.SECONDS).otherwiseEmpty()
        : Future.succeededFuture();
  }

  /** Ends a job that runs nowhere cancelled, fenced by its status. */
  private Future<Void> cancelled(K id) {
    return end(id, table.states().cancelled(), null, null).mapEmpty();
  }

  /**
   * Where this kind's runner on {@code node} takes cancels for the jobs it runs: a cluster-wide
   * address, so that a cancel received by any node reaches the run wherever it is.
   */
  private String cancelAddress(String node) {
    return "jobs.cancel." + table.name() + "." + node;
  }

  /**
   * Asks the node holding the job's lease to stop its run: first told (it answers at once, or is
   * taken for dead after {@value #ASK_TIMEOUT_MS} ms), then, with {@code wait}, asked again to
   * answer once the run has stopped. A node that does not run the job (any more), or does not
   * answer (it died: its lease has not expired yet), leaves the job to be ended here.
   */
  private Future<Void> askToCancel(String node, K id, boolean wait) {
    return ask(node, id, false, ASK_TIMEOUT_MS)
        .compose(
            running ->
                running && wait
                    ? ask(node, id, true, TimeUnit.SECONDS.toMillis(STOP_WAIT_S) + ASK_TIMEOUT_MS)
                    : Future.succeededFuture(running))
        .transform(
            asked -> {
              if (asked.succeeded() && asked.result()) {
                return Future.<Void>succeededFuture();
              }
              if (asked.failed()) {
                LOG.warning(
                    fields(id),
                    "node "
                        + node
                        + " holding "
                        + describe(id)
                        + " did not take its cancel ("
                        + asked.cause().getMessage()
                        + "): ending it here");
              }
              // A run that stopped meanwhile has ended the job already; this move then changes
              // nothing.
              return cancelled(id);
            });
  }

  /** Sends the cancel to {@code node}; completes with whether the job was running there. */
  private Future<Boolean> ask(String node, K id, boolean wait, long timeoutMs) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            cancelAddress(node),
            new JsonObject().put("id", String.valueOf(id)).put("wait", wait),
            new DeliveryOptions().setSendTimeout(timeoutMs))
        .map(reply -> reply.body().getBoolean("running", false));
  }

  /** A cancel another node received for a job this one holds. */
  private void cancelHere(Message<JsonObject> message) {
    K id;
    try {
      id = table.id(message.body().getString("id"));
    } catch (RuntimeException e) {
      message.fail(400, "bad job id: " + message.body().getString("id"));
      return;
    }
    Run run = runs.get(id);
    if (run == null) {
      message.reply(new JsonObject().put("running", false));
      return;
    }
    stopRun(run, message.body().getBoolean("wait", false))
        .onComplete(stopped -> message.reply(new JsonObject().put("running", true)));
  }

  /** Completes once the job has no run here: a run still cleans up after its last move. */
  private Future<Void> idle(K id) {
    Run run = runs.get(id);
    return run == null ? Future.succeededFuture() : run.done.future();
  }

  /**
   * The server is stopping: every run stops at its next checkpoint, leaving its job as it is and
   * handing its lease back, for another node (or the next start) to take at once. Completes when
   * all have stopped, or after {@value #STOP_WAIT_S} s.
   */
  public Future<Void> stop() {
    stopping = true;
    vertx.cancelTimer(watchTimer);
    vertx.cancelTimer(purgeTimer);
    runs.values().forEach(run -> run.stopRequested = true);
    return Future.all(runs.values().stream().map(run -> run.done.future()).toList())
        .<Void>mapEmpty()
        .timeout(STOP_WAIT_S, TimeUnit.SECONDS)
        .otherwiseEmpty();
  }

  /** What the lines about this job carry: its kind (the table) and id. */
  private LogFields fields(K id) {
    return LogFields.job(table.name(), id);
  }

  private String describe(K id) {
    return table.states().noun() + " " + id;
  }
}
