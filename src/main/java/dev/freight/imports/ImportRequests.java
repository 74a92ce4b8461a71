package dev.freight.imports;

import dev.freight.bus.Address;
import dev.freight.bus.StreamOpened;
import dev.freight.bus.UploadedFile;
import dev.freight.bus.Window;
import dev.freight.jobs.JobListQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** What the import verticle answers on the event bus: its addresses and their requests. */
public final class ImportRequests {
  private ImportRequests() {}

  /** → the new job, pending, once its files are stored. */
  public static final Address<NewImport, JsonObject> CREATE =
      Address.answering("imports.create", NewImport::fromJson);

  /** → the job, or a 404. */
  public static final Address<JobId, JsonObject> GET =
      Address.answering("imports.get", JobId::fromJson);

  /** → the one active job, or a 404. */
  public static final Address<Current, JsonObject> CURRENT =
      Address.answering("imports.current", json -> new Current());

  /** → a page of jobs: {count, results}. */
  public static final Address<JobListQuery, JsonObject> LIST =
      Address.answering("imports.list", JobListQuery::fromJson);

  /** → the job after the action. */
  public static final Address<ImportAction, JsonObject> UPDATE =
      Address.answering("imports.update", ImportAction::fromJson);

  /** → the new job, reverting the one given. */
  public static final Address<Revert, JsonObject> REVERT =
      Address.answering("imports.revert", Revert::fromJson);

  /** → the diff's counts per model. */
  public static final Address<JobId, JsonObject> DIFF_SUMMARY =
      Address.answering("imports.diff-summary", JobId::fromJson);

  /** → a page of one model's diff entries: {count, results}. */
  public static final Address<DiffQuery, JsonObject> DIFF_PAGE =
      Address.answering("imports.diff-page", DiffQuery::fromJson);

  /** → one model's whole diff, as a JSON array to stream. */
  public static final Address<DiffQuery, StreamOpened> DIFF =
      Address.streaming("imports.diff", DiffQuery::fromJson);

  /**
   * @param form the multipart body's text fields, as sent (the import's options: skip_invalid,
   *     column_mapping, ignore_unknown_columns, mode)
   */
  /** → the errors file of one of the job's files, to stream. */
  public static final Address<ErrorsQuery, StreamOpened> ERRORS =
      Address.streaming("imports.errors", ErrorsQuery::fromJson);

  /**
   * @param model which file's rows with problems; null for the first model that has any
   */
  public record ErrorsQuery(long id, String model) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("id", id).put("model", model);
    }

    public static ErrorsQuery fromJson(JsonObject json) {
      return new ErrorsQuery(json.getLong("id"), json.getString("model"));
    }
  }

  public record NewImport(int userId, List<UploadedFile> files, JsonObject form)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("user_id", userId)
          .put("files", UploadedFile.toJson(files))
          .put("form", form);
    }

    public static NewImport fromJson(JsonObject json) {
      return new NewImport(
          json.getInteger("user_id"),
          UploadedFile.fromJson(json.getJsonArray("files")),
          json.getJsonObject("form"));
    }
  }

  public record JobId(long id) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("id", id);
    }

    public static JobId fromJson(JsonObject json) {
      return new JobId(json.getLong("id"));
    }
  }

  public record Current() implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject();
    }
  }

  /**
   * @param action cancel, accept_changes or retry, as the client wrote it
   * @param userId who asks
   * @param operations on accept, the operations to apply; null for all
   * @param excludeEntries on accept, the diff entries to leave out; null for none
   */
  public record ImportAction(
      long id,
      int userId,
      String action,
      boolean waitForTask,
      List<String> operations,
      List<Long> excludeEntries)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("user_id", userId)
          .put("action", action)
          .put("wait_for_task", waitForTask)
          .put("operations", operations == null ? null : new JsonArray(operations))
          .put("exclude_entries", excludeEntries == null ? null : new JsonArray(excludeEntries));
    }

    public static ImportAction fromJson(JsonObject json) {
      JsonArray operations = json.getJsonArray("operations");
      JsonArray excluded = json.getJsonArray("exclude_entries");
      return new ImportAction(
          json.getLong("id"),
          json.getInteger("user_id"),
          json.getString("action"),
          json.getBoolean("wait_for_task"),
          operations == null ? null : operations.stream().map(String::valueOf).toList(),
          excluded == null
              ? null
              : excluded.stream().map(entry -> ((Number) entry).longValue()).toList());
    }
  }

  /**
   * @param id the job to revert
   * @param includeConflicts whether entries meeting items changed since are applied too
   */
  public record Revert(long id, int userId, boolean includeConflicts) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("user_id", userId)
          .put("include_conflicts", includeConflicts);
    }

    public static Revert fromJson(JsonObject json) {
      return new Revert(
          json.getLong("id"), json.getInteger("user_id"), json.getBoolean("include_conflicts"));
    }
  }

  /**
   * @param op add, update or delete; null for all
   * @param itemId only the entries of this item; null for all
   * @param window the page; null for the whole diff
   */
  public record DiffQuery(long id, String model, String op, String itemId, Window window)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("id", id)
          .put("model", model)
          .put("op", op)
          .put("item_id", itemId)
          .put("window", window == null ? null : window.toJson());
    }

    public static DiffQuery fromJson(JsonObject json) {
      JsonObject window = json.getJsonObject("window");
      return new DiffQuery(
          json.getLong("id"),
          json.getString("model"),
          json.getString("op"),
          json.getString("item_id"),
          window == null ? null : Window.fromJson(window));
    }
  }
}
