package dev.freight.listexports;

import dev.freight.imports.ImportStatus;
import dev.freight.jobs.JobStatus;
import dev.freight.libraryexports.LibraryExportStatus;
import dev.freight.listexports.ExportableList.Column;
import dev.freight.listexports.ExportableList.Filter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The lists that can be exported. Exporting another list is one entry here, its path in
 * openapi.yaml with the operationId named here, and nothing else: routes, checks and the export
 * engine work from the entry.
 */
public final class ExportableLists {

  // The columns both job lists have: the job table is j, the user who triggered the job t.
  private static final Column JOB_ID = Column.of("id", "j.id", "ID", "ID");
  private static final Column JOB_STATUS = Column.of("status", "j.status", "Status", "Status");
  private static final Column JOB_FILE_FORMAT =
      Column.of("file_format", "j.file_format", "File format", "Dateiformat");
  private static final Column JOB_TRIGGERED =
      Column.of("triggered", "j.triggered", "Triggered", "Ausgelöst");
  private static final Column JOB_TRIGGERED_BY =
      Column.of("triggered_by", "t.email", "Triggered by", "Ausgelöst von");
  private static final Column JOB_COMPLETED =
      Column.of("completed", "j.completed", "Completed", "Abgeschlossen");
  private static final Column JOB_ERRORS =
      Column.of("errors", "j.errors::text", "Errors", "Fehler");

  /** The filters of a job list: {@code status}, or any of {@code status__in}. */
  private static List<Filter> statusFilters(JobStatus[] statuses) {
    List<String> wire = Arrays.stream(statuses).map(JobStatus::wire).toList();
    return List.of(
        Filter.oneOf("status", "j.status", wire), Filter.anyOf("status__in", "j.status", wire));
  }

  /**
   * {@code GET /api/v2/library/standards/}; the text id is not an integer, so pages go by {@code
   * seq}.
   */
  static final ExportableList STANDARDS =
      new ExportableList(
          "exportStandards",
          "listStandards",
          "/api/v2/library/standards/export/",
          "StandardViewSet",
          "export_standards",
          false,
          "standard s",
          "s.seq",
          "s.id",
          List.of(
              Filter.bool("active", "s.active"),
              Filter.text("phase", "s.phase"),
              Filter.text("problem", "s.problem"),
              // lower(s.id): the form its trigram index covers (V27)
              Filter.search("search", "lower(s.id)", "s.title", "s.text")),
          List.of(
              Column.of("id", "s.id", "ID", "ID"),
              Column.of("title", "s.title", "Title", "Titel"),
              Column.of("text", "s.text", "Text", "Text"),
              Column.of("problem", "s.problem", "Problem", "Problem"),
              Column.of("priority", "s.priority", "Priority", "Priorität"),
              Column.of("phase", "s.phase", "Phase", "Phase"),
              Column.of("active", "s.active", "Active", "Aktiv"),
              Column.of(
                  "match_conditions",
                  "s.match_conditions",
                  "Match conditions",
                  "Zutreffende Bedingungen"),
              Column.of("tags", "s.tags", "Tags", "Schlagwörter")));

  /** {@code GET /api/v2/library/import/}; users are exported by e-mail. */
  static final ExportableList IMPORT_JOBS =
      new ExportableList(
          "exportLibraryImportJobs",
          "listImportJobs",
          "/api/v2/library/import/export/",
          "LibraryImportJobViewSet",
          "export_library_import_jobs",
          true,
          "import_jobs j JOIN users t ON t.id = j.triggered_by LEFT JOIN users a ON a.id = j.accepted_by",
          "j.id",
          "j.id",
          statusFilters(ImportStatus.values()),
          List.of(
              JOB_ID,
              JOB_STATUS,
              JOB_FILE_FORMAT,
              JOB_TRIGGERED,
              JOB_TRIGGERED_BY,
              Column.of("accepted", "j.accepted", "Accepted", "Angenommen"),
              Column.of("accepted_by", "a.email", "Accepted by", "Angenommen von"),
              JOB_COMPLETED,
              JOB_ERRORS,
              Column.of("rows_read", "j.rows_read", "Rows read", "Gelesene Zeilen"),
              Column.of("bytes_read", "j.bytes_read", "Bytes read", "Gelesene Bytes"),
              Column.of("bytes_total", "j.bytes_total", "Bytes total", "Bytes gesamt")));

  /** {@code GET /api/v2/library/export/}; users are exported by e-mail. */
  static final ExportableList EXPORT_JOBS =
      new ExportableList(
          "exportLibraryExportJobs",
          "listExportJobs",
          "/api/v2/library/export/export/",
          "LibraryExportJobViewSet",
          "export_library_export_jobs",
          true,
          "export_jobs j JOIN users t ON t.id = j.triggered_by",
          "j.id",
          "j.id",
          statusFilters(LibraryExportStatus.values()),
          List.of(
              JOB_ID,
              JOB_STATUS,
              Column.of("type", "j.type", "Type", "Art"),
              JOB_FILE_FORMAT,
              Column.of(
                  "content_models",
                  "array_to_string(j.content_models, ',')",
                  "Content models",
                  "Inhaltsmodelle"),
              JOB_TRIGGERED,
              JOB_TRIGGERED_BY,
              JOB_COMPLETED,
              JOB_ERRORS,
              Column.of("rows_written", "j.rows_written", "Rows written", "Geschriebene Zeilen"),
              Column.of("rows_total", "j.rows_total", "Rows total", "Zeilen gesamt")));

  private static final List<ExportableList> ALL = List.of(STANDARDS, IMPORT_JOBS, EXPORT_JOBS);

  private ExportableLists() {}

  public static List<ExportableList> all() {
    return ALL;
  }

  /** The source of an export, by its unique {@code action_name}. */
  static Optional<ExportableList> byAction(String actionName) {
    return ALL.stream().filter(s -> s.actionName().equals(actionName)).findFirst();
  }
}
