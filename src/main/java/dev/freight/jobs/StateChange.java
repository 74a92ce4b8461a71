package dev.freight.jobs;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One job moved from one status to another. Every change is published once, after it is committed,
 * on {@link #ADDRESS}: webhooks, metrics and live views listen there.
 *
 * @param kind the job's table: import_jobs, export_jobs or exports
 * @param id the job's id, as text (ids are numbers or UUIDs)
 */
public record StateChange(String kind, String id, String from, String to, Instant at) {
  public static final String ADDRESS = "jobs.state-changed";

  public JsonObject toJson() {
    return new JsonObject()
        .put("kind", kind)
        .put("id", id)
        .put("from", from)
        .put("to", to)
        .put("at", at.toString());
  }

  public static StateChange fromJson(JsonObject json) {
    return new StateChange(
        json.getString("kind"),
        json.getString("id"),
        json.getString("from"),
        json.getString("to"),
        Instant.parse(json.getString("at")));
  }
}
