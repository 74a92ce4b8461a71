package dev.freight.jobs;

import dev.freight.bus.Address;
import dev.freight.bus.Window;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/**
 * A page of a job list as the client asked for it: its ordering and status filters, as given.
 *
 * @param statusIn a comma-separated list of statuses
 */
public record JobListQuery(String ordering, String status, String statusIn, Window window)
    implements Address.Message {
  /** The statuses asked for, by status or each of status__in; null for every status. */
  public <S extends Enum<S> & JobStatus> List<S> statuses(StateMachine<S> machine) {
    if (status != null) {
      return List.of(machine.requested(status, "status"));
    }
    if (statusIn != null) {
      return Arrays.stream(statusIn.split(","))
          .map(wire -> machine.requested(wire.trim(), "status__in"))
          .toList();
    }
    return null;
  }

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("ordering", ordering)
        .put("status", status)
        .put("status__in", statusIn)
        .put("window", window.toJson());
  }

  public static JobListQuery fromJson(JsonObject json) {
    return new JobListQuery(
        json.getString("ordering"),
        json.getString("status"),
        json.getString("status__in"),
        Window.fromJson(json.getJsonObject("window")));
  }
}
