package dev.freight.libraryexports;

import dev.freight.bus.Address;
import dev.freight.bus.StreamOpened;
import dev.freight.bus.Viewer;
import dev.freight.jobs.JobListQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the library export verticle answers on the event bus: its addresses and their requests. Each
 * carries the {@link Viewer}: users reach only their own jobs, superusers all.
 */
public final class LibraryExportRequests {
  private LibraryExportRequests() {}

  /** → the new job, pending. */
  public static final Address<NewLibraryExport, JsonObject> CREATE =
      Address.answering("libraryexports.create", NewLibraryExport::fromJson);

  /** → the job, or a 404. */
  public static final Address<JobAccess, JsonObject> GET =
      Address.answering("libraryexports.get", JobAccess::fromJson);

  /** → a page of the viewer's jobs: {count, results}. */
  public static final Address<ListJobs, JsonObject> LIST =
      Address.answering("libraryexports.list", ListJobs::fromJson);

  /** → the job after the action. */
  public static final Address<LibraryExportAction, JsonObject> UPDATE =
      Address.answering("libraryexports.update", LibraryExportAction::fromJson);

  /** → the job's file, to stream. */
  public static final Address<JobAccess, StreamOpened> DOWNLOAD =
      Address.streaming("libraryexports.download", JobAccess::fromJson);

  /**
   * A job as the API's body asks for it (validated by the contract); null fields take their
   * defaults.
   */
  public record NewLibraryExport(
      Viewer viewer,
      String type,
      String fileFormat,
      List<String> contentModels,
      boolean escapeFormulas)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("viewer", viewer.toJson())
          .put("type", type)
          .put("file_format", fileFormat)
          .put("content_models", contentModels == null ? null : new JsonArray(contentModels))
          .put("escape_formulas", escapeFormulas);
    }

    public static NewLibraryExport fromJson(JsonObject json) {
      JsonArray models = json.getJsonArray("content_models");
      return new NewLibraryExport(
          Viewer.fromJson(json.getJsonObject("viewer")),
          json.getString("type"),
          json.getString("file_format"),
          models == null ? null : models.stream().map(String::valueOf).toList(),
          json.getBoolean("escape_formulas", false));
    }
  }

  public record JobAccess(Viewer viewer, long id) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("viewer", viewer.toJson()).put("id", id);
    }

    public static JobAccess fromJson(JsonObject json) {
      return new JobAccess(Viewer.fromJson(json.getJsonObject("viewer")), json.getLong("id"));
    }
  }

  public record ListJobs(Viewer viewer, JobListQuery query) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("viewer", viewer.toJson()).put("query", query.toJson());
    }

    public static ListJobs fromJson(JsonObject json) {
      return new ListJobs(
          Viewer.fromJson(json.getJsonObject("viewer")),
          JobListQuery.fromJson(json.getJsonObject("query")));
    }
  }

  /**
   * @param action cancel or retry, as the client wrote it
   */
  public record LibraryExportAction(JobAccess job, String action, boolean waitForTask)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("job", job.toJson())
          .put("action", action)
          .put("wait_for_task", waitForTask);
    }

    public static LibraryExportAction fromJson(JsonObject json) {
      return new LibraryExportAction(
          JobAccess.fromJson(json.getJsonObject("job")),
          json.getString("action"),
          json.getBoolean("wait_for_task"));
    }
  }
}
