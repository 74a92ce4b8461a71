package dev.freight.webhooks;

import dev.freight.bus.Endpoints;
import dev.freight.bus.Viewer;
import dev.freight.config.FreightConfig;
import dev.freight.db.Purges;
import dev.freight.imports.ImportRequests;
import dev.freight.jobs.StateChange;
import dev.freight.libraryexports.LibraryExportRequests;
import dev.freight.listexports.ListExportRequests;
import dev.freight.metrics.WebhookDeliveries;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Set;

/**
 * Owns webhook subscriptions and sends their deliveries; answers the requests of {@link
 * WebhookRequests}. Each job state change this node commits fills its events' data with the job as
 * its GET answers then, and wakes the deliverer; a periodic poll sends retries and what other nodes
 * left.
 */
public final class WebhooksVerticle extends VerticleBase {
  private static final System.Logger LOG = System.getLogger(WebhooksVerticle.class.getName());

  /** An event purged some minutes past its retention costs nothing; batches keep each run short. */
  private static final long PURGE_INTERVAL_MS = 10 * 60_000;

  /** Whom jobs are read as: the events describe any user's jobs. */
  private static final Viewer ANYONE = new Viewer(0, true);

  private final WebhookStore store;
  private final Outbox outbox;
  private final FreightConfig.Webhooks config;
  private final WebhookDeliveries meters;
  private Deliverer deliverer;
  private long poll;
  private long purgeTimer;
  private Set<String> eventStatuses = Set.of();

  public WebhooksVerticle(Pool pool, FreightConfig.Webhooks config, WebhookDeliveries meters) {
    this.store = new WebhookStore(pool);
    this.outbox = new Outbox(pool, config.retryHours());
    this.config = config;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    deliverer = new Deliverer(vertx, outbox, config, this::jobAsItsGetAnswers, meters);
    poll = vertx.setPeriodic(config.pollSeconds() * 1000, tick -> deliverer.pump());
    // Only the changes this node made: the node that moved a job fills its events.
    vertx
        .eventBus()
        .<JsonObject>localConsumer(
            StateChange.ADDRESS, change -> changed(StateChange.fromJson(change.body())));
    return outbox
        .eventStatuses()
        .onSuccess(statuses -> eventStatuses = statuses)
        .compose(
            known ->
                Future.all(
                    List.of(
                        Endpoints.bind(vertx, WebhookRequests.CREATE, store::create),
                        Endpoints.bind(vertx, WebhookRequests.LIST, store::list),
                        Endpoints.bind(vertx, WebhookRequests.GET, req -> store.get(req.id())),
                        Endpoints.bind(vertx, WebhookRequests.UPDATE, store::update),
                        Endpoints.bind(
                            vertx, WebhookRequests.DELETE, req -> store.delete(req.id())),
                        Endpoints.bind(
                            vertx,
                            WebhookRequests.ROTATE_SECRET,
                            req -> store.rotateSecret(req.id())),
                        Endpoints.bind(
                            vertx,
                            WebhookRequests.DELIVERIES,
                            req -> store.deliveries(req.webhookId(), req.window())),
                        Endpoints.bind(
                            vertx,
                            WebhookRequests.REDELIVER,
                            req ->
                                store
                                    .redeliver(req.webhookId(), req.deliveryId())
                                    .onSuccess(due -> deliverer.pump())))))
        .onSuccess(
            bound -> {
              deliverer.pump();
              purgeTimer =
                  Purges.schedule(
                      vertx,
                      LOG,
                      "purging webhook events",
                      PURGE_INTERVAL_MS,
                      () -> outbox.purge(config.retentionDays()),
                      purged ->
                          "purged "
                              + purged
                              + " webhook event(s) delivered or failed more than "
                              + config.retentionDays()
                              + " days ago");
            });
  }

  /**
   * Fills the job's new events, if it has any, then sends them. A move to a status that is no event
   * costs nothing more.
   */
  private void changed(StateChange change) {
    if (!eventStatuses.contains(change.kind() + "/" + change.to())) {
      return;
    }
    outbox
        .hasUnfilled(change.kind(), change.id())
        .compose(
            unfilled ->
                unfilled
                    ? jobAsItsGetAnswers(change.kind(), change.id())
                        .compose(job -> outbox.fill(change.kind(), change.id(), job))
                    : Future.succeededFuture())
        .onFailure(
            failure ->
                // The deliverer fills it when it sends.
                LOG.log(
                    System.Logger.Level.WARNING,
                    "filling the events of " + change.kind() + " " + change.id() + " failed",
                    failure))
        .onComplete(done -> deliverer.pump());
  }

  /** The job as its own GET answers, asked of the verticle that owns it. */
  private Future<JsonObject> jobAsItsGetAnswers(String kind, String id) {
    EventBus bus = vertx.eventBus();
    return switch (kind) {
      case "import_jobs" ->
          ImportRequests.GET.ask(bus, new ImportRequests.JobId(Long.parseLong(id)));
      case "export_jobs" ->
          LibraryExportRequests.GET.ask(
              bus, new LibraryExportRequests.JobAccess(ANYONE, Long.parseLong(id)));
      case "exports" ->
          ListExportRequests.GET.ask(bus, new ListExportRequests.ExportAccess(ANYONE, id));
      default -> Future.failedFuture(new IllegalArgumentException("no job table " + kind));
    };
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(poll);
    vertx.cancelTimer(purgeTimer);
    return deliverer.close();
  }
}
