package dev.freight.http;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, driven through its chromedriver, for the tests of a class: started before
 * them, stopped after. Without {@code /usr/bin/chromium} its tests are skipped (one loud line). A
 * failed test leaves a screenshot of the page in {@code target/console-screenshots/}.
 */
final class ConsoleBrowser
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback, TestWatcher {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path FAILURES = Path.of("target", "console-screenshots");

  /** Long enough for a loaded machine; waits end as soon as the page is there. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  /** Why there is no browser, or null. */
  private String missing;

  private ChromeDriver driver;
  private Path profile;
  private Path downloads;

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      String why =
          "SKIPPED "
              + context.getDisplayName()
              + ": the browser tests need Debian's chromium and chromium-driver"
              + " (apt-get install chromium chromium-driver); "
              + CHROMIUM
              + " or "
              + CHROMEDRIVER
              + " is missing.";
      System.err.println("\n*** " + why + " ***\n");
      missing = why;
      return;
    }
    profile = Files.createTempDirectory("freight-chromium-");
    downloads = Files.createTempDirectory("freight-downloads-");
    ChromeOptions options =
        new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            .addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + profile)
            .setExperimentalOption(
                "prefs",
                Map.of(
                    "download.default_directory",
                    downloads.toString(),
                    "download.prompt_for_download",
                    false,
                    // The console saves files after fetching them: no gesture left to allow a
                    // second.
                    "profile.default_content_setting_values.automatic_downloads",
                    1));
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    driver = new ChromeDriver(service, options);
  }

  /** Each test is skipped on its own, so that the reports count them as skipped. */
  @Override
  public void beforeEach(ExtensionContext context) {
    Assumptions.assumeTrue(missing == null, missing);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (driver != null) {
      driver.quit();
    }
    delete(profile);
    delete(downloads);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    if (driver == null) {
      return;
    }
    try {
      Files.createDirectories(FAILURES);
      Path shot =
          FAILURES.resolve(
              context.getRequiredTestClass().getSimpleName()
                  + "."
                  + context.getRequiredTestMethod().getName()
                  + ".png");
      Files.write(shot, driver.getScreenshotAs(OutputType.BYTES));
      System.err.println("Screenshot of the failed page: " + shot.toAbsolutePath());
    } catch (IOException | RuntimeException e) {
      System.err.println("No screenshot of the failed page: " + e);
    }
  }

  WebDriver driver() {
    return driver;
  }

  /** Where the browser saves downloads. */
  Path downloads() {
    return downloads;
  }

  /** Waits (at most {@link #PATIENCE}) until {@code condition} holds, and answers its value. */
  <T> T await(Function<WebDriver, T> condition) {
    // The console redraws what it polls: an element found a moment ago may be gone; look again.
    return new WebDriverWait(driver, PATIENCE)
        .ignoring(StaleElementReferenceException.class)
        .until(condition);
  }

  WebElement visible(By by) {
    return await(ExpectedConditions.visibilityOfElementLocated(by));
  }

  /** Saves what a window {@code height} pixels tall shows (the README's pictures). */
  void screenshot(Path file, int height) throws IOException {
    Files.createDirectories(file.getParent());
    Dimension usual = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(usual.getWidth(), height));
    try {
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } finally {
      driver.manage().window().setSize(usual);
    }
  }

  private static void delete(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
