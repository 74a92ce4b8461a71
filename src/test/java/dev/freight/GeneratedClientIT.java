package dev.freight;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openapitools.client.ApiClient;
import org.openapitools.client.ApiException;
import org.openapitools.client.api.DefaultApi;
import org.openapitools.client.model.CreateExportJobRequest;
import org.openapitools.client.model.CreateUserRequest;
import org.openapitools.client.model.Diff;
import org.openapitools.client.model.DiffItem;
import org.openapitools.client.model.DiffSummaryResultsInner;
import org.openapitools.client.model.Export;
import org.openapitools.client.model.ExportFormatType;
import org.openapitools.client.model.ExportPage;
import org.openapitools.client.model.ExportRequest;
import org.openapitools.client.model.ExportStatus;
import org.openapitools.client.model.ImportJob;
import org.openapitools.client.model.ImportJobPage;
import org.openapitools.client.model.ImportStatus;
import org.openapitools.client.model.LibraryExportJob;
import org.openapitools.client.model.LibraryExportJobPage;
import org.openapitools.client.model.LibraryExportStatus;
import org.openapitools.client.model.NewUser;
import org.openapitools.client.model.StandardPage;
import org.openapitools.client.model.StandardState;
import org.openapitools.client.model.UpdateImportJobRequest;
import org.openapitools.client.model.UserPage;

/**
 * A whole session against the packaged jar through nothing but the Java client that the build
 * generates from openapi.yaml (openapi-generator, its defaults, library native): if the contract
 * and the server's answers disagree, the generated models fail to read them here.
 */
class GeneratedClientIT {
  private static final String ADMIN_TOKEN = "generated-client-token-0123456789abcdefghijk";
  private static final Pattern SERVING = Pattern.compile("Freight serving http://[^:]+:(\\d+)");
  private static final String HEADER = "id,title,text,problem,priority,phase,active,tags\n";

  private static JarServer server;
  private static int port;
  private static Path work;

  @BeforeAll
  static void startServer() throws Exception {
    work = TestServer.tempDir();
    server =
        new JarServer(
            Map.of(
                "FREIGHT_DATA_DIR",
                work.resolve("data").toString(),
                "FREIGHT_HTTP_PORT",
                "0",
                "FREIGHT_HTTP_HOST",
                "127.0.0.1",
                "FREIGHT_ADMIN_TOKEN",
                ADMIN_TOKEN,
                // two rows a part, so that the v1 export below is written in several parts
                "FREIGHT_EXPORTS_V1_PAGE_SIZE",
                "2"));
    port = Integer.parseInt(server.await(SERVING));
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.process.destroy();
    server.exitCode();
  }

  private static DefaultApi api(String token) {
    ApiClient client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + port);
    client.setRequestInterceptor(request -> request.header("Authorization", "Token " + token));
    return new DefaultApi(client);
  }

  @Test
  void aWholeSessionThroughTheGeneratedClient() throws Exception {
    DefaultApi admin = api(ADMIN_TOKEN);
    assertThat(admin.getCurrentUser().getIsSuperuser()).isTrue();

    // A new superuser; its token is in the answer, and the rest of the session is hers.
    NewUser created =
        admin.createUser(
            new CreateUserRequest().email("ann@example.com").firstName("Ann").isSuperuser(true));
    assertThat(created.getToken()).isNotBlank();
    DefaultApi ann = api(created.getToken());
    assertThat(ann.getCurrentUser().getEmail()).isEqualTo("ann@example.com");
    UserPage users = ann.listUsers(null, null);
    assertThat(users.getCount()).isEqualTo(2);
    assertThat(users.getNext()).isNull();
    assertThat(users.getPrevious()).isNull();

    // The first import: eight new standards, read page by page before they are accepted.
    StringBuilder first = new StringBuilder(HEADER);
    for (int i = 1; i <= 8; i++) {
      first.append(row(i, "Standard " + i));
    }
    ImportJob one = upload(ann, "first", first.toString());
    assertThat(one.getStatus()).isEqualTo(ImportStatus.PENDING);
    ImportJob ready = awaitImport(ann, one.getId(), ImportStatus.READY_FOR_REVIEW);
    assertThat(ready.getProgress().getRowsRead()).isEqualTo(8);
    assertThat(summary(ann, one.getId()).getAdd()).isEqualTo(8);
    Diff adds1 = ann.getImportDiff(one.getId(), "standard", "add", 1, 5, null);
    Diff adds2 = ann.getImportDiff(one.getId(), "standard", "add", 2, 5, null);
    assertThat(adds1.getContentModel()).isEqualTo("standard");
    assertThat(adds1.getAdd()).extracting(DiffItem::getEntry).containsExactly(1, 2, 3, 4, 5);
    assertThat(adds2.getAdd()).extracting(DiffItem::getEntry).containsExactly(6, 7, 8);
    // Before an add the item has no state: {}, every field absent.
    assertThat(adds2.getAdd().get(0).getOriginal()).isEqualTo(new StandardState());
    StandardState added = adds2.getAdd().get(0).getNew();
    assertThat(added.getId()).isEqualTo("S06");
    assertThat(added.getTitle()).isEqualTo("Standard 6");
    assertThat(added.getPriority()).isEqualTo(7);
    accept(ann, one.getId());
    StandardPage library = ann.listStandards(1, 5, null, null, null, null, "id");
    assertThat(library.getCount()).isEqualTo(8);
    assertThat(library.getResults())
        .extracting("id")
        .containsExactly("S01", "S02", "S03", "S04", "S05");
    assertThat(library.getNext()).isNotNull();
    assertThat(library.getPrevious()).isNull();

    // The second import: three titles change, four standards are new, five stay as they are.
    StringBuilder second = new StringBuilder(HEADER);
    for (int i = 1; i <= 12; i++) {
      second.append(row(i, i <= 3 ? "Renamed " + i : "Standard " + i));
    }
    ImportJob two = upload(ann, "second", second.toString());
    awaitImport(ann, two.getId(), ImportStatus.READY_FOR_REVIEW);
    DiffSummaryResultsInner counts = summary(ann, two.getId());
    assertThat(
            List.of(counts.getAdd(), counts.getUpdate(), counts.getDelete(), counts.getUnchanged()))
        .containsExactly(4, 3, 0, 5);
    Diff updates1 = ann.getImportDiff(two.getId(), "standard", "update", 1, 2, null);
    Diff updates2 = ann.getImportDiff(two.getId(), "standard", "update", 2, 2, null);
    assertThat(updates1.getAdd()).isEmpty();
    assertThat(updates1.getUpdate()).extracting(DiffItem::getEntry).containsExactly(1, 2);
    assertThat(updates2.getUpdate()).extracting(DiffItem::getEntry).containsExactly(3);
    DiffItem third = updates2.getUpdate().get(0);
    assertThat(third.getChangedFields()).containsExactly("title");
    assertThat(third.getOriginal().getTitle()).isEqualTo("Standard 3");
    assertThat(third.getNew().getTitle()).isEqualTo("Renamed 3");
    assertThat(ann.getImportDiff(two.getId(), "standard", "add", 1, 50, null).getAdd())
        .extracting(DiffItem::getEntry)
        .containsExactly(9, 10, 11, 12);
    ImportJob applied = accept(ann, two.getId());
    assertThat(applied.getAcceptedBy().getEmail()).isEqualTo("ann@example.com");
    assertThat(applied.getCompleted()).isNotNull();
    assertThat(ann.getStandard("S03").getTitle()).isEqualTo("Renamed 3");

    // Lists: short ones have no neighbours, paged ones link to theirs.
    ImportJobPage jobs = ann.listImportJobs(null, null, null, null, null);
    assertThat(jobs.getCount()).isEqualTo(2);
    assertThat(jobs.getResults())
        .extracting(ImportJob::getStatus)
        .containsOnly(ImportStatus.SUCCESS);
    assertThat(jobs.getNext()).isNull();
    assertThat(jobs.getPrevious()).isNull();
    ImportJobPage firstJob = ann.listImportJobs(1, 1, "id", null, null);
    assertThat(firstJob.getResults()).extracting(ImportJob::getId).containsExactly(one.getId());
    assertThat(firstJob.getNext()).endsWith("page=2");
    assertThat(firstJob.getPrevious()).isNull();
    ImportJobPage secondJob = ann.listImportJobs(2, 1, "id", null, null);
    assertThat(secondJob.getResults()).extracting(ImportJob::getId).containsExactly(two.getId());
    assertThat(secondJob.getNext()).isNull();
    assertThat(secondJob.getPrevious()).endsWith("page=1");

    // The library exported as CSV and downloaded: the twelve standards, the renames included.
    LibraryExportJob export =
        ann.createExportJob(
            "generated-client-export", // an Idempotency-Key, as the generated client sends it
            new CreateExportJobRequest()
                .type(CreateExportJobRequest.TypeEnum.FULL)
                .fileFormat(CreateExportJobRequest.FileFormatEnum.CSV)
                .contentModels(List.of("standard")));
    LibraryExportJob exported =
        await(
            "export job " + export.getId(),
            () -> ann.getExportJob(export.getId()),
            job ->
                job.getStatus() == LibraryExportStatus.SUCCESS
                    || job.getStatus() == LibraryExportStatus.FAIL);
    assertThat(exported.getStatus()).as("%s", exported).isEqualTo(LibraryExportStatus.SUCCESS);
    assertThat(exported.getProgress().getRowsWritten()).isEqualTo(12);
    LibraryExportJobPage exportJobs = ann.listExportJobs(null, null, null, null, null);
    assertThat(exportJobs.getResults())
        .extracting(LibraryExportJob::getId)
        .containsExactly(export.getId());
    assertThat(exportJobs.getNext()).isNull();
    assertThat(exportJobs.getPrevious()).isNull();
    File csv = ann.downloadExportJob(export.getId());
    assertThat(csv.getName()).isEqualTo("standard.csv");
    List<String> lines = Files.readAllLines(csv.toPath());
    assertThat(lines).hasSize(13);
    assertThat(lines.get(0)).startsWith("id,title,");
    assertThat(lines.get(3)).startsWith("S03,Renamed 3,");
    assertThat(lines.get(12)).startsWith("S12,Standard 12,");

    // A v1 export of the standards of phase X1, two fields with German headers, in parts.
    Export v1 =
        ann.exportStandards(
            null,
            "X1",
            null,
            null,
            null,
            new ExportRequest()
                .formatType(ExportFormatType.CSV)
                .fields(List.of("id", "title"))
                .language(ExportRequest.LanguageEnum.DE));
    assertThat(v1.getStatus()).isEqualTo(ExportStatus.WAITING);
    Export done =
        await(
            "v1 export " + v1.getId(),
            () -> ann.getExport(v1.getId().toString()),
            e -> e.getStatus() == ExportStatus.COMPLETED || e.getStatus() == ExportStatus.FAILED);
    assertThat(done.getStatus()).as("%s", done).isEqualTo(ExportStatus.COMPLETED);
    assertThat(done.getTotalCount()).isEqualTo(6);
    assertThat(done.getCollectedCount()).isEqualTo(6);
    assertThat(done.getFailCount()).isZero();
    assertThat(done.getUploadedParts()).hasSize(3);
    assertThat(done.getRequestFields()).containsExactly("id", "title");
    assertThat(Files.readAllLines(ann.downloadExport(v1.getId().toString()).toPath()))
        .containsExactly(
            "ID,Titel",
            "S01,Renamed 1",
            "S03,Renamed 3",
            "S05,Standard 5",
            "S07,Standard 7",
            "S09,Standard 9",
            "S11,Standard 11");
    ExportPage exports =
        ann.listExports(
            null,
            null,
            ExportStatus.COMPLETED,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    assertThat(exports.getCount()).isEqualTo(1);
    assertThat(exports.getResults()).extracting(Export::getId).containsExactly(v1.getId());
    assertThat(exports.getNext()).isNull();
    assertThat(exports.getPrevious()).isNull();

    // Errors arrive as the generated client's exception, with the status and the JSON detail.
    try {
      api("not-a-token").getCurrentUser();
      throw new AssertionError("a bad token was accepted");
    } catch (ApiException e) {
      assertThat(e.getCode()).isEqualTo(401);
      assertThat(e.getResponseBody()).contains("\"detail\"");
    }
  }

  /**
   * Every list's {@code next} and {@code previous} may be null, and the generated models say so
   * (JSR 305's annotation, kept at run time). Composing a list's schema with {@code allOf: [Page,
   * ...]} lost that: Java still read the nulls, but Python's models rejected them.
   */
  @Test
  void theGeneratedListsKnowThatNextAndPreviousMayBeNull() throws Exception {
    for (Class<?> page :
        List.of(
            UserPage.class,
            StandardPage.class,
            ImportJobPage.class,
            LibraryExportJobPage.class,
            ExportPage.class)) {
      for (String getter : List.of("getNext", "getPrevious")) {
        assertThat(page.getMethod(getter).isAnnotationPresent(javax.annotation.Nullable.class))
            .as(page.getSimpleName() + "." + getter)
            .isTrue();
      }
      assertThat(page.getMethod("getCount").isAnnotationPresent(javax.annotation.Nonnull.class))
          .as(page.getSimpleName() + ".getCount")
          .isTrue();
    }
  }

  /** A row of standard.csv: odd standards are phase X1, even ones X2. */
  private static String row(int i, String title) {
    return String.format(
        "S%02d,%s,Text of %d,P%d,%d,X%d,true,web%n", i, title, i, i % 4, 1 + i % 10, 2 - i % 2);
  }

  /** Uploads {@code csv} as standard.csv (the file's name names its content model). */
  private static ImportJob upload(DefaultApi api, String dir, String csv) throws Exception {
    Path file = Files.createDirectories(work.resolve(dir)).resolve("standard.csv");
    Files.writeString(file, csv);
    // No optional fields (skip_invalid, column_mapping, ignore_unknown_columns, mode) and no
    // Idempotency-Key: a plain import.
    return api.createImportJob(List.of(file.toFile()), null, null, null, null, null);
  }

  private static DiffSummaryResultsInner summary(DefaultApi api, int job) throws ApiException {
    List<DiffSummaryResultsInner> results = api.getImportDiffSummary(job).getResults();
    assertThat(results)
        .extracting(DiffSummaryResultsInner::getContentModel)
        .containsExactly("standard");
    return results.get(0);
  }

  private static ImportJob accept(DefaultApi api, int job) throws Exception {
    ImportJob accepted =
        api.updateImportJob(
            job,
            new UpdateImportJobRequest().status(UpdateImportJobRequest.StatusEnum.ACCEPT_CHANGES));
    assertThat(accepted.getStatus()).isIn(ImportStatus.APPLYING_CHANGES, ImportStatus.SUCCESS);
    return awaitImport(api, job, ImportStatus.SUCCESS);
  }

  /** Polls the import job until it reaches {@code status}; a failure or a cancel ends it early. */
  private static ImportJob awaitImport(DefaultApi api, int job, ImportStatus status)
      throws Exception {
    ImportJob reached =
        await(
            "import job " + job,
            () -> api.getImportJob(job),
            j ->
                j.getStatus() == status
                    || j.getStatus() == ImportStatus.FAIL
                    || j.getStatus() == ImportStatus.CANCEL);
    assertThat(reached.getStatus()).as("%s", reached).isEqualTo(status);
    return reached;
  }

  private interface Call<T> {
    T call() throws ApiException;
  }

  /** Polls {@code call} until its answer is {@code reached}; fails after a minute. */
  private static <T> T await(String what, Call<T> call, Predicate<T> reached) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    T last = null;
    while (System.nanoTime() < deadline) {
      last = call.call();
      if (reached.test(last)) {
        return last;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(what + " never got there; last: " + last);
  }
}
