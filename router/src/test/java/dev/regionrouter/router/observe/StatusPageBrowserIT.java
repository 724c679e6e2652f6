package dev.regionrouter.router.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.regionrouter.router.support.RouterIT;
import dev.regionrouter.router.support.TestRegion;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The status page in a real headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium), with JavaScript turned off: the page loads, lists the regions of the table, and, as it
 * reloads itself, shows a region that goes down. Skipped, saying why, where the browser is missing
 * (bin/install-test-tools installs it).
 */
class StatusPageBrowserIT extends RouterIT {

  private static final File CHROMIUM = new File(env("CHROMIUM_BIN", "/usr/bin/chromium"));
  private static final File CHROMEDRIVER =
      new File(env("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));

  private static WebDriver browser;
  private static Path profile;

  @BeforeAll
  static void startBrowser() throws IOException {
    Assumptions.assumeTrue(
        CHROMIUM.canExecute() && CHROMEDRIVER.canExecute(),
        "no "
            + CHROMIUM
            + " or "
            + CHROMEDRIVER
            + ": run bin/install-test-tools (Debian packages chromium, chromium-driver) to run the"
            + " status page's browser test");
    profile = Files.createTempDirectory("chromium-profile");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,900",
        "--user-data-dir=" + profile);
    // the table must work without JavaScript: the browser runs none
    options.setExperimentalOption(
        "prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopBrowser() throws IOException {
    if (browser != null) {
      browser.quit();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void pageListsTheRegionsAndShowsARegionGoingDownAsItRefreshes() throws Exception {
    try (TestRegion primary = new TestRegion("primary", 0);
        TestRegion fallback = new TestRegion("fallback", 0)) {
      PrimaryAndFallback names = usePrimaryAndFallback(primary, fallback);
      assertThat(inference("{\"prompt\":\"hi\",\"max_tokens\":10}").statusCode()).isEqualTo(200);

      browser.get(url("/ui?refresh=1"));
      assertThat(browser.getTitle()).isEqualTo("region-router status");
      assertThat(regionNames()).containsExactlyInAnyOrder(names.primary(), names.fallback());
      assertThat(health(names.primary())).isEqualTo("up");
      assertThat(health(names.fallback())).isEqualTo("up");
      assertThat(browser.findElement(By.id("requests")).getText())
          .contains("POST /v1/inference")
          .contains(names.primary());
      assertThat(browser.findElements(By.tagName("script"))).isEmpty();

      // the primary fails from now on: requests fail over, and it is ejected
      primary.onInference(ex -> TestRegion.send(ex, 500, "application/json", "{}"));
      for (int i = 0; i < 4; i++) {
        assertThat(inference("{\"prompt\":\"hi\",\"max_tokens\":10}").statusCode()).isEqualTo(200);
      }

      // no new navigation: the page reloads itself (meta refresh) and shows the change
      await()
          .atMost(Duration.ofSeconds(15))
          .ignoreExceptions()
          .untilAsserted(
              () -> {
                WebElement row = row(names.primary());
                assertThat(row.getAttribute("class")).contains("down");
                assertThat(health(names.primary())).startsWith("ejected");
                assertThat(health(names.fallback())).isEqualTo("up");
              });
      Files.write(
          Path.of("target", "status-page-it.png"),
          ((ChromeDriver) browser).getScreenshotAs(OutputType.BYTES));
    }
  }

  private static List<String> regionNames() {
    return browser.findElements(By.cssSelector("#regions tr.region")).stream()
        .map(r -> r.getAttribute("data-region"))
        .toList();
  }

  private static WebElement row(String region) {
    return browser.findElement(By.cssSelector("#regions tr[data-region='" + region + "']"));
  }

  private static String health(String region) {
    return row(region).findElement(By.cssSelector("td.health .pill")).getText();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
