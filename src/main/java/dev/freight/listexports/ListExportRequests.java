package dev.freight.listexports;

import dev.freight.bus.Address;
import dev.freight.bus.StreamOpened;
import dev.freight.bus.UploadedFile;
import dev.freight.bus.Viewer;
import dev.freight.bus.Window;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What the list export verticle answers on the event bus: its addresses and their requests. Users
 * reach only their own exports, superusers all.
 */
public final class ListExportRequests {
  private ListExportRequests() {}

  /** → the new export, waiting. */
  public static final Address<NewListExport, JsonObject> CREATE =
      Address.answering("listexports.create", NewListExport::fromJson);

  /** → the export, or a 404. */
  public static final Address<ExportAccess, JsonObject> GET =
      Address.answering("listexports.get", ExportAccess::fromJson);

  /** → a page of the viewer's exports: {count, results}. */
  public static final Address<ListExports, JsonObject> LIST =
      Address.answering("listexports.list", ListExports::fromJson);

  /** → the cancelled export (superusers). */
  public static final Address<ExportAccess, JsonObject> CANCEL =
      Address.answering("listexports.cancel", ExportAccess::fromJson);

  /** → the export's file, to stream. */
  public static final Address<ExportAccess, StreamOpened> DOWNLOAD =
      Address.streaming("listexports.download", ExportAccess::fromJson);

  /**
   * An export of the list that {@code actionName} names.
   *
   * @param query the list's filters, as the query string gave them
   * @param body format_type, fields and language, as the client sent them (checked by the verticle)
   * @param files a filter file, if one was uploaded
   */
  public record NewListExport(
      String actionName, int userId, JsonObject query, JsonObject body, List<UploadedFile> files)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("action_name", actionName)
          .put("user_id", userId)
          .put("query", query)
          .put("body", body)
          .put("files", UploadedFile.toJson(files));
    }

    public static NewListExport fromJson(JsonObject json) {
      JsonArray files = json.getJsonArray("files");
      return new NewListExport(
          json.getString("action_name"),
          json.getInteger("user_id"),
          json.getJsonObject("query"),
          json.getJsonObject("body"),
          UploadedFile.fromJson(files));
    }
  }

  /**
   * @param id the export's id as the path gave it (checked to be a UUID by the verticle)
   */
  public record ExportAccess(Viewer viewer, String id) implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("viewer", viewer.toJson()).put("id", id);
    }

    public static ExportAccess fromJson(JsonObject json) {
      return new ExportAccess(Viewer.fromJson(json.getJsonObject("viewer")), json.getString("id"));
    }
  }

  /**
   * @param createdDate each created_date lookup given (created_date__gte, ...) and its value
   */
  public record ListExports(
      Viewer viewer, String status, String formatType, JsonObject createdDate, Window window)
      implements Address.Message {
    @Override
    public JsonObject toJson() {
      return new JsonObject()
          .put("viewer", viewer.toJson())
          .put("status", status)
          .put("format_type", formatType)
          .put("created_date", createdDate)
          .put("window", window.toJson());
    }

    public static ListExports fromJson(JsonObject json) {
      return new ListExports(
          Viewer.fromJson(json.getJsonObject("viewer")),
          json.getString("status"),
          json.getString("format_type"),
          json.getJsonObject("created_date"),
          Window.fromJson(json.getJsonObject("window")));
    }
  }
}
