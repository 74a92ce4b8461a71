package dev.freight.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freight.Client;
import dev.freight.ServerPerTest;
import dev.freight.imports.Imports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web console in a real browser against the real server: what a reviewer sees and does. The
 * README's screenshots of the console come from here ({@code docs/console-*.png}).
 */
class ConsoleTest extends ServerPerTest {
  @RegisterExtension static final ConsoleBrowser browser = new ConsoleBrowser();

  private static final Path DOCS = Path.of("docs");
  private static final String HEADER = "id,title,text,priority\n";

  @Test
  void signingInWithABadTokenSaysSoAndAGoodOneOpensTheConsole() {
    open();
    signIn("not-a-token");
    assertThat(browser.visible(By.cssSelector("#sign-in-result [role=alert]")).getText())
        .isEqualTo("That token is not valid. Check it and try again.");

    signIn(admin.token());
    assertThat(browser.visible(By.id("signed-in-as")).getText())
        .isEqualTo("admin@example.com (superuser)");
    assertThat(navigation()).containsExactly("Imports", "Exports", "Users");

    driver().findElement(By.id("sign-out")).click();
    browser.visible(By.id("token"));
    assertThat(driver().findElements(By.id("signed-in-as"))).isEmpty();
  }

  @Test
  void anUploadedCsvShowsItsProgressAndReachesReview() throws IOException {
    String failing = HEADER + "F1,Priority too high,,11\n";
    Imports.uploadAndSettle(admin, "standard.csv", failing.getBytes(UTF_8));
    signInAs(admin);
    browser.visible(By.id("upload-form"));
    Path file = Files.createTempDirectory("freight-upload-").resolve("standard.csv");
    Files.writeString(file, rows(0, 3_000, "Title"));
    driver().findElement(By.id("files")).sendKeys(file.toString());
    assertThat(browser.visible(By.id("chosen-files")).getText()).startsWith("standard.csv (");
    driver().findElement(By.id("upload")).click();

    String uploaded =
        browser.await(
            d -> {
              String progress = text(d, By.id("upload-bytes"));
              return progress.endsWith("(100%)") ? progress : null;
            });
    assertThat(uploaded).matches("[0-9.]+ KB of [0-9.]+ KB \\(100%\\)");
    browser.visible(By.cssSelector("#upload-result a")).click();
    browser.await(d -> text(d, By.id("job")).contains("ready for review"));
    assertThat(cells(By.cssSelector("#diff-summary tbody tr")))
        .containsExactly("standard", "3,000", "0", "0", "0");

    driver().get(base() + "#/imports");
    browser.await(
        d -> text(d, By.cssSelector("#import-jobs tr[data-job]")).contains("ready for review"));
    assertThat(text(driver(), By.id("current-import"))).contains("Import #2", "ready for review");
    assertThat(text(driver(), By.cssSelector("#import-jobs tr[data-job='1']"))).contains("fail");
    browser.screenshot(DOCS.resolve("console-jobs.png"), 900);
  }

  @Test
  void aDiffOf2500UpdatesIsPagedAndShowsEachUpdatesChangedFieldsSideBySide() throws IOException {
    Imports.load(admin, "standard.csv", rows(0, 2_500, "Title").getBytes(UTF_8));
    // Every title changes; every tenth text too, and one text is long enough to be folded.
    StringBuilder changed = new StringBuilder(HEADER);
    for (int i = 0; i < 2_500; i++) {
      String text = i == 60 ? "long ".repeat(100) : i % 10 == 0 ? "New text " + i : "Text " + i;
      changed.append(String.format("S%04d,New title %d,%s,5%n", i, i, text));
    }
    long id =
        Imports.uploadAndSettle(admin, "standard.csv", changed.toString().getBytes(UTF_8))
            .getLong("id");

    signInAs(admin);
    long opened = System.nanoTime();
    driver().get(base() + "#/imports/" + id);
    browser.visible(By.cssSelector("table.updates tr[data-entry='1']"));
    long firstPageMs = (System.nanoTime() - opened) / 1_000_000;
    System.err.println(
        "Console: review of 2,500 updates showed its first page in " + firstPageMs + " ms");
    assertThat(cells(By.cssSelector("#diff-summary tbody tr")))
        .containsExactly("standard", "0", "2,500", "0", "0");
    assertThat(text(driver(), By.cssSelector(".page-of")))
        .isEqualTo("Page 1 of 50 · 2,500 updates");
    assertThat(driver().findElements(By.cssSelector("table.updates > tbody > tr"))).hasSize(50);

    driver().findElement(By.cssSelector(".pager .next")).click();
    WebElement row = browser.visible(By.cssSelector("table.updates tr[data-id='S0060']"));
    assertThat(text(driver(), By.cssSelector(".page-of"))).startsWith("Page 2 of 50");
    assertThat(
            row.findElements(By.cssSelector("tr.changed")).stream()
                .map(r -> r.getAttribute("data-field")))
        .containsExactly("title", "text");
    WebElement title = row.findElement(By.cssSelector("tr[data-field=title]"));
    assertThat(title.findElement(By.className("original")).getText()).isEqualTo("Title 60");
    assertThat(title.findElement(By.className("new")).getText()).isEqualTo("New title 60");
    assertThat(row.findElement(By.cssSelector("tr[data-field=priority]")).getAttribute("class"))
        .isEmpty();
    WebElement folded = row.findElement(By.cssSelector("tr[data-field=text] .new details"));
    assertThat(folded.getAttribute("open")).isNull();
    assertThat(folded.findElement(By.tagName("summary")).getText()).endsWith("(500 characters)");
    browser.screenshot(DOCS.resolve("console-review.png"), 1300);

    WebElement filter = driver().findElement(By.id("filter-standard"));
    filter.sendKeys("S2001");
    filter.submit();
    browser.await(d -> text(d, By.cssSelector(".page-of")).equals("Page 1 of 1 · 1 updates"));
    assertThat(driver().findElements(By.cssSelector("table.updates > tbody > tr[data-id]")))
        .extracting(r -> r.getAttribute("data-id"))
        .containsExactly("S2001");
  }

  @Test
  void acceptIsConfirmedARefusalSaysWhyAndTheLibraryChanges() {
    long first =
        Imports.uploadAndSettle(admin, "standard.csv", rows(0, 10, "Title").getBytes(UTF_8))
            .getLong("id");
    signInAs(admin);
    driver().get(base() + "#/imports/" + first);
    browser.visible(By.id("action-accept_changes"));
    assertThat(buttons()).containsExactly("Accept changes", "Cancel import");

    // Cancelled elsewhere while the page still offers to accept: the server's 409 is shown.
    assertThat(Imports.patch(admin, first, "cancel").statusCode()).isEqualTo(200);
    driver().findElement(By.id("action-accept_changes")).click();
    browser.await(ExpectedConditions.alertIsPresent()).accept();
    assertThat(browser.visible(By.cssSelector("#action-result [role=alert]")).getText())
        .startsWith("Refused: ")
        .contains("cancel");

    driver().navigate().refresh();
    browser.visible(By.id("action-retry")).click();
    browser.visible(By.id("action-accept_changes")).click();
    browser.await(ExpectedConditions.alertIsPresent()).accept();
    browser.await(d -> text(d, By.id("job")).contains("success"));
    assertThat(buttons()).containsExactly("Revert…");
    assertThat(Imports.libraryCount(admin)).isEqualTo(10);
    assertThat(admin.get("/api/v2/library/standards/S0003/").bodyAsJsonObject().getString("title"))
        .isEqualTo("Title 3");
  }

  @Test
  void aFailedImportShowsItsErrorsInATable() {
    String bad = HEADER + "E1,Fine,,5\nE2,Too high,,11\nbad id!,Bad id,,1\n";
    long id = Imports.uploadAndSettle(admin, "standard.csv", bad.getBytes(UTF_8)).getLong("id");
    signInAs(admin);
    driver().get(base() + "#/imports/" + id);
    browser.visible(By.cssSelector("#errors table.errors"));
    assertThat(text(driver(), By.cssSelector("#errors caption")))
        .isEqualTo("2 problems in standard");
    assertThat(
            driver().findElements(By.cssSelector("#errors tbody tr")).stream()
                .map(
                    tr ->
                        tr.findElements(By.tagName("td")).stream()
                            .map(WebElement::getText)
                            .toList()))
        .containsExactly(
            List.of("standard.csv", "2", "priority", "11", "must be between 1 and 10"),
            List.of(
                "standard.csv",
                "3",
                "id",
                "bad id!",
                "must be 1 to 64 letters, digits, '_', '-' or '.'"));
    assertThat(buttons()).containsExactly("Retry");
  }

  @Test
  void anExportDownloadedThroughThePageEqualsTheApis() throws IOException {
    Imports.load(admin, "standard.csv", rows(0, 500, "Title").getBytes(UTF_8));
    signInAs(admin);
    driver().get(base() + "#/exports");
    new org.openqa.selenium.support.ui.Select(browser.visible(By.id("export-format")))
        .selectByValue("csv");
    driver().findElement(By.id("start-export")).click();
    Path saved = downloadedBy(By.cssSelector("#export-jobs tr[data-job='1'] button.download"));

    byte[] viaApi = admin.get("/api/v2/library/export/1/download/").body().getBytes();
    assertThat(Files.readAllBytes(saved)).isEqualTo(viaApi);
    assertThat(new String(viaApi, UTF_8)).contains("S0499,Title 499");
  }

  @Test
  void aPartialImportSkipsTheBadRowsWhoseFileDownloadsThroughThePage() throws IOException {
    signInAs(admin);
    browser.visible(By.cssSelector("#upload-options summary")).click();
    WebElement mapping = browser.visible(By.id("opt-column_mapping"));
    mapping.sendKeys("{\"Name\": 1}");
    assertThat(text(driver(), By.id("mapping-problem")))
        .isEqualTo("The field of column \"Name\" must be a text (a field name).");
    driver().findElement(By.id("opt-skip_invalid")).click();
    assertThat(driver().findElement(By.cssSelector("#opt-mode option[value=sync]")).isEnabled())
        .isFalse();

    String csv = "id,Heading,text,priority\nA1,One,,5\nA2,Two,,11\nbad id!,Three,,1\nA4,Four,,2\n";
    Path file = Files.createTempDirectory("freight-upload-").resolve("standard.csv");
    Files.writeString(file, csv);
    driver().findElement(By.id("files")).sendKeys(file.toString());
    // A mapping to a field that does not exist: the server's 400 is shown, the form stays.
    mapping.clear();
    mapping.sendKeys("{\"Heading\": \"headline\"}");
    driver().findElement(By.id("upload")).click();
    assertThat(browser.visible(By.cssSelector("#upload-result [role=alert]")).getText())
        .startsWith("Upload refused: ")
        .contains("headline");
    mapping.clear();
    mapping.sendKeys("{\"Heading\": \"title\"}");
    browser.await(d -> text(d, By.id("mapping-problem")).isEmpty());
    driver().findElement(By.id("upload")).click();
    browser.visible(By.cssSelector("#upload-result a")).click();
    browser.await(d -> text(d, By.id("job")).contains("ready for review"));
    assertThat(text(driver(), By.id("job-options")))
        .isEqualTo("Options: skip invalid rows, column mapping {\"Heading\":\"title\"}");
    assertThat(cells(By.cssSelector("#diff-summary tbody tr")))
        .containsExactly("standard", "2", "0", "0", "0", "2");
    assertThat(headers(By.cssSelector("#diff-summary thead"))).endsWith("Unchanged", "Skipped");

    long id = Long.parseLong(driver().getCurrentUrl().replaceAll(".*/", ""));
    Path saved = downloadedBy(By.id("errors-file-standard"));
    byte[] viaApi =
        admin.get(Imports.PATH + id + "/errors/download/?content_model=standard").body().getBytes();
    assertThat(Files.readAllBytes(saved)).isEqualTo(viaApi);
    assertThat(new String(viaApi, UTF_8)).contains("A2,Two,,11", "bad id!,Three,,1");
  }

  @Test
  void aPartialAcceptAppliesOnlyTheTickedOperationsLessTheEntriesLeftOut() {
    Imports.load(admin, "standard.csv", rows(0, 5, "Title").getBytes(UTF_8));
    // Entries 1-5 update S0000-S0004, entries 6-10 add S0005-S0009.
    long id =
        Imports.uploadAndSettle(admin, "standard.csv", rows(0, 10, "New").getBytes(UTF_8))
            .getLong("id");
    signInAs(admin);
    driver().get(base() + "#/imports/" + id);
    browser.visible(By.id("apply-update")).click();
    browser.visible(By.cssSelector("table.adds tr[data-entry='7'] input.leave-out")).click();
    driver().findElement(By.id("action-accept_changes")).click();
    var confirm = browser.await(ExpectedConditions.alertIsPresent());
    assertThat(confirm.getText())
        .isEqualTo(
            "Accept import #"
                + id
                + "? Applied to the library: 4 adds, 0 deletes."
                + " Left out: every update; 1 entry chosen by hand.");
    confirm.accept();
    browser.await(d -> text(d, By.id("job")).contains("success"));
    assertThat(text(driver(), By.id("applied")))
        .isEqualTo("Applied: standard: 4 added, 0 updated, 0 deleted");
    assertThat(
            browser
                .visible(By.cssSelector("table.adds tr[data-entry='7'] .mark.excluded"))
                .getText())
        .isEqualTo("left out");

    assertThat(Imports.libraryCount(admin)).isEqualTo(9);
    assertThat(admin.get("/api/v2/library/standards/S0006/").statusCode()).isEqualTo(404);
    assertThat(admin.get("/api/v2/library/standards/S0001/").bodyAsJsonObject().getString("title"))
        .isEqualTo("Title 1");
  }

  @Test
  void aRevertStartsAJobThatPutsTheLibraryBackLeavingOutWhatChangedSince() {
    Imports.load(admin, "standard.csv", rows(0, 5, "Title").getBytes(UTF_8));
    long changed =
        Imports.uploadAndSettle(admin, "standard.csv", rows(0, 5, "New").getBytes(UTF_8))
            .getLong("id");
    Imports.accept(admin, changed);
    // S0001 changes again after the import: the revert must not overwrite it unasked.
    Imports.load(admin, "standard.csv", (HEADER + "S0001,Since,Text 1,5\n").getBytes(UTF_8));

    signInAs(admin);
    driver().get(base() + "#/imports/" + changed);
    browser.visible(By.id("action-revert")).click();
    assertThat(browser.visible(By.id("revert-include_conflicts")).isSelected()).isFalse();
    driver().findElement(By.id("revert-go")).click();
    browser.await(d -> d.getCurrentUrl().endsWith("#/imports/" + (changed + 2)));
    browser.await(d -> text(d, By.id("job")).contains("ready for review"));
    assertThat(text(driver(), By.id("reverts"))).isEqualTo("Reverts import #" + changed);
    assertThat(cells(By.cssSelector("#diff-summary tbody tr")))
        .containsExactly("standard", "0", "5", "0", "0");
    WebElement conflict = browser.visible(By.cssSelector("table.updates tr[data-id='S0001']"));
    assertThat(conflict.findElement(By.cssSelector(".mark.conflict")).getText())
        .isEqualTo("conflict: changed since");
    assertThat(conflict.findElement(By.cssSelector(".mark.excluded")).getText())
        .isEqualTo("left out");

    driver().findElement(By.id("action-accept_changes")).click();
    browser.await(ExpectedConditions.alertIsPresent()).accept();
    browser.await(d -> text(d, By.id("job")).contains("success"));
    assertThat(admin.get("/api/v2/library/standards/S0003/").bodyAsJsonObject().getString("title"))
        .isEqualTo("Title 3");
    assertThat(admin.get("/api/v2/library/standards/S0001/").bodyAsJsonObject().getString("title"))
        .isEqualTo("Since");
  }

  @Test
  void aSuperuserCreatesAUserWhoseTokenIsShownOnceAndIssuesItANewOne() {
    signInAs(admin);
    driver().get(base() + "#/users");
    browser.visible(By.id("user-email")).sendKeys("bob@example.com");
    driver().findElement(By.id("user-first_name")).sendKeys("Bob");
    driver().findElement(By.id("user-email")).submit();
    String first = browser.visible(By.id("shown-token")).getAttribute("value");
    driver().findElement(By.id("copy-token")).click();
    browser.await(d -> text(d, By.cssSelector("#new-token [role=status]")).equals("Copied."));
    browser.await(d -> text(d, By.id("users")).contains("bob@example.com"));
    assertThat(server.client(first).get("/api/v2/users/me/").statusCode()).isEqualTo(200);

    driver()
        .findElement(By.xpath("//tr[td[text()='bob@example.com']]//button[text()='New token']"))
        .click();
    browser.await(ExpectedConditions.alertIsPresent()).accept();
    String second =
        browser.await(
            d -> {
              String shown = d.findElement(By.id("shown-token")).getAttribute("value");
              return shown.equals(first) ? null : shown;
            });
    assertThat(server.client(first).get("/api/v2/users/me/").statusCode()).isEqualTo(401);
    assertThat(server.client(second).get("/api/v2/users/me/").statusCode()).isEqualTo(200);
  }

  @Test
  void aPlainUserSeesNoneOfTheSuperuserControls() throws IOException {
    Imports.load(admin, "standard.csv", rows(0, 5, "Title").getBytes(UTF_8));
    long id = 1;
    Client ann = admin.createUser("ann@example.com", false);
    signInAs(ann);
    assertThat(browser.visible(By.id("signed-in-as")).getText()).isEqualTo("ann@example.com");
    assertThat(navigation()).containsExactly("Exports");
    browser.visible(By.id("export-form"));

    for (String hidden : List.of("#/users", "#/imports/" + id, "#/imports")) {
      driver().get(base() + hidden);
      browser.await(d -> d.getCurrentUrl().endsWith("#/exports"));
      browser.visible(By.id("export-form"));
      for (String control :
          List.of(
              "#user-form",
              "#upload-form",
              "#action-accept_changes",
              "#action-revert",
              "#apply-operations",
              ".leave-out")) {
        assertThat(driver().findElements(By.cssSelector(control))).as(control).isEmpty();
      }
    }
    // Of the lists a v1 export starts from, only the one a plain user may export.
    assertThat(
            driver().findElements(By.cssSelector("#list-export-list option")).stream()
                .map(WebElement::getText))
        .containsExactly("Standards");
    driver().findElement(By.id("start-list-export")).click();
    WebElement row = browser.visible(By.cssSelector("#v1-exports tr[data-export]"));
    String export = row.getAttribute("data-export");
    Path saved = downloadedBy(By.cssSelector("#v1-exports tr[data-export] button.download"));
    byte[] viaApi = ann.get("/api/v1/exports/" + export + "/download/").body().getBytes();
    assertThat(Files.readAllBytes(saved)).isEqualTo(viaApi);
    assertThat(new String(viaApi, UTF_8)).contains("S0004");
  }

  private WebDriver driver() {
    return browser.driver();
  }

  private String base() {
    return "http://127.0.0.1:" + server.port() + "/";
  }

  private void open() {
    driver().get(base());
    browser.visible(By.id("token"));
  }

  private void signIn(String token) {
    WebElement field = browser.visible(By.id("token"));
    field.clear();
    field.sendKeys(token);
    field.submit();
  }

  private void signInAs(Client user) {
    open();
    signIn(user.token());
    browser.visible(By.id("signed-in-as"));
  }

  private List<String> navigation() {
    return driver().findElements(By.cssSelector("#nav a")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private List<String> buttons() {
    return driver().findElements(By.cssSelector("#actions button")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private List<String> cells(By row) {
    return browser.visible(row).findElements(By.tagName("td")).stream()
        .map(WebElement::getText)
        .toList();
  }

  private List<String> headers(By row) {
    return browser.visible(row).findElements(By.tagName("th")).stream()
        .map(WebElement::getText)
        .toList();
  }

  /** Clicks the button (once it shows) and answers the file the browser saved. */
  private Path downloadedBy(By button) {
    List<Path> before = downloaded();
    browser.visible(button).click();
    return browser.await(
        d ->
            noPartialDownloads()
                ? downloaded().stream().filter(f -> !before.contains(f)).findFirst().orElse(null)
                : null);
  }

  private List<Path> downloaded() {
    try (Stream<Path> files = Files.list(browser.downloads())) {
      return files.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String text(WebDriver driver, By by) {
    List<WebElement> found = driver.findElements(by);
    return found.isEmpty() ? "" : found.get(0).getText();
  }

  private boolean noPartialDownloads() {
    try (Stream<Path> files = Files.list(browser.downloads())) {
      return files.noneMatch(f -> f.getFileName().toString().endsWith(".crdownload"));
    } catch (IOException e) {
      return false;
    }
  }

  /** A CSV of standards S{from}..S{to-1}, titled "{title} {n}". */
  private static String rows(int from, int to, String title) {
    StringBuilder csv = new StringBuilder(HEADER);
    for (int i = from; i < to; i++) {
      csv.append(String.format("S%04d,%s %d,Text %d,5%n", i, title, i, i));
    }
    return csv.toString();
  }
}
