package io.agentfleet.tools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.tools.testing.ProjectDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code ./fleet demo --stay} as a newcomer runs it, and the console page it prints opened in the system Chromium
 * (headless) with the key it prints: the page shows the demo's run with every task COMPLETED and the coder's review
 * loop. Skipped when Chromium or chromedriver is missing. With {@code -Dfleet.test.screenshots=DIR} it saves the page as
 * {@code run.png} (docs/console.md's picture of a run).
 */
class DemoConsoleBrowserTest {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Pattern CONSOLE = Pattern.compile("console +(http://\\S+?)(#/runs/\\w+) +\\(API key ([0-9a-f]+)");

    @Test
    void theConsolePageTheDemoPrintsShowsItsRunCompletedWithTheReviewLoop() throws Exception {
        assumeTrue(
                Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER),
                "browser test skipped: Debian packages chromium and chromium-driver are not installed");
        Path root = ProjectDirs.root();
        Path log = root.resolve("fleet-tools/target/demo-console-test.log");
        Files.deleteIfExists(log); // the log is appended to: a former run's URL must not be read
        ChromeDriver browser = chromium();
        try (JavaProcess demo = JavaProcess.builder(DemoMain.class)
                .sysProp("fleet.root", root.toString())
                .env("REDIS_URL", "")
                .env("OPENAI_API_KEY", "")
                .arg("--plain", "--embedded-redis", "--stay")
                .logTo(log)
                .start()) {
            demo.awaitLog("(API key ", WAIT);
            Matcher printed = CONSOLE.matcher(demo.logText());
            assertTrue(printed.find(), demo.logText());
            String page = printed.group(1);

            browser.get(page);
            browser.get(page + printed.group(2));
            // The page rebuilds its parts on every event of the run: read again over elements that went stale.
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(d -> d.findElement(By.id("api-key"))).sendKeys(printed.group(3));
            browser.findElement(By.cssSelector("#key-form button[type=submit]")).click();
            wait.withMessage("the demo's run reaches COMPLETED on its page")
                    .until(d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"));

            Map<String, String> states = wait.withMessage("the graph's nodes").until(d -> {
                Map<String, String> out = new TreeMap<>();
                d.findElements(By.cssSelector("svg#dag g[data-task]"))
                        .forEach(n -> out.put(n.getAttribute("data-task"), n.getAttribute("data-state")));
                return out.isEmpty() ? null : out;
            });
            assertTrue(
                    states.keySet().containsAll(List.of("plan", "research-1", "research-2", "implement")),
                    states.toString());
            assertEquals(Set.of("COMPLETED"), Set.copyOf(states.values()), states.toString());
            wait.until(d -> {
                d.findElement(By.cssSelector("details[data-task='implement'] summary"))
                        .click();
                return true;
            });
            List<String> verdicts = wait.withMessage("the reviewer's two verdicts")
                    .until(d -> {
                        List<String> texts =
                                d.findElements(By.cssSelector("details[data-task='implement'] ol.reviews li")).stream()
                                        .map(WebElement::getText)
                                        .toList();
                        return texts.size() == 2 ? texts : null;
                    });
            assertTrue(verdicts.get(0).startsWith("revision 0: rejected"), verdicts.toString());
            assertTrue(verdicts.get(1).startsWith("revision 1: approved"), verdicts.toString());
            assertTrue(demo.isAlive(), "--stay keeps the fleet up for the console");
            screenshot(browser);
        } finally {
            browser.quit();
        }
    }

    private static ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(ChromeDriver browser) {
        String dir = System.getProperty("fleet.test.screenshots");
        if (dir == null) {
            return;
        }
        try {
            Path target = Path.of(dir).resolve("run.png");
            Files.createDirectories(target.getParent());
            Files.write(target, browser.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the screenshot", e);
        }
    }
}
