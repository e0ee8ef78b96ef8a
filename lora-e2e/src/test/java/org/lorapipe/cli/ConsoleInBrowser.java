package org.lorapipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.lorapipe.cli.stack.EmbeddedStack;
import org.lorapipe.cli.stack.StackKey;
import org.lorapipe.contract.json.Json;
import org.lorapipe.storage.ObjectStore;
import org.lorapipe.storage.S3Uri;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web console in a real browser (headless Chromium driven by Selenium), on the end-to-end test's
 * stack: a request with problems shows each next to its field and is not sent; a short run submitted
 * from the form is followed on its page (the progress bar moves with {@code lora.training.progress}),
 * its base-vs-tuned table appears, and the merged model's config.json downloads equal to the bucket's;
 * the sweep the test ran shows its table.
 * Screenshots of the run page, the runs list and the refused form go to {@code
 * lora-e2e/target/console-screenshots/} (the README's are copied from there).
 */
final class ConsoleInBrowser {
    static final String RUN_ID = "console-e2e";
    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("LORA_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER =
            Path.of(System.getenv().getOrDefault("LORA_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private final EmbeddedStack stack;
    private final Path work;
    private final Path screenshots;
    private final PrintStream log;

    ConsoleInBrowser(EmbeddedStack stack, Path work, Path screenshots, PrintStream log) {
        this.stack = stack;
        this.work = work;
        this.screenshots = screenshots;
        this.log = log;
    }

    /** Fails (does not skip) without the browser: the console's test is part of the product's. */
    static void requireBrowser() {
        assertThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
                .as("the web console's browser test needs Debian's Chromium and its driver at " + CHROMIUM + " and "
                        + CHROMEDRIVER + ": apt-get install chromium chromium-driver (or set LORA_CHROMIUM and"
                        + " LORA_CHROMEDRIVER)")
                .isTrue();
    }

    void run() throws IOException {
        requireBrowser();
        long t0 = System.nanoTime();
        Path downloads = Files.createDirectories(work.resolve("downloads"));
        Files.createDirectories(screenshots);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--disable-gpu",
                "--window-size=1280,2300");
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "download.default_directory",
                        downloads.toString(),
                        "download.prompt_for_download",
                        false,
                        "safebrowsing.enabled",
                        false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.manage().window().setSize(new Dimension(1280, 2300));
            String console = stack.consoleUrl();
            browser.get(console);
            WebElement key = browser.findElement(By.id("api-key"));
            key.sendKeys(StackKey.read(stack.dir()).orElseThrow(), Keys.TAB); // change: stored, page reloads
            await(
                    browser,
                    Duration.ofSeconds(10),
                    b -> b.findElement(By.id("api-key")).getAttribute("value").length() > 0);

            refusesABadRequest(browser, console);
            followsARun(browser, console);

            browser.get(console + "?q=" + RUN_ID);
            await(browser, Duration.ofSeconds(10), b -> !b.findElements(By.cssSelector("tr[data-run='" + RUN_ID + "']"))
                    .isEmpty());
            assertThat(browser.findElement(By.cssSelector("tr[data-run='" + RUN_ID + "']"))
                            .getText())
                    .contains("merged");
            screenshot(browser, "console-runs.png");

            // the sweep the end-to-end test ran: its table, every run ended
            browser.get(console + "sweeps.html?id=" + SweepEndToEnd.SWEEP_ID);
            await(
                    browser,
                    Duration.ofSeconds(20),
                    b -> b.findElements(By.cssSelector("#sweeps tbody tr")).size() == 4);
            assertThat(browser.findElement(By.id("summary")).getText()).contains("4 of 4 run(s) ended");
            screenshot(browser, "console-sweep.png");
        } finally {
            browser.quit();
        }
        log.printf(
                "console: bad request refused, %s run followed and downloaded in the browser in %d s%n",
                RUN_ID, Duration.ofNanos(System.nanoTime() - t0).toSeconds());
    }

    /** Every problem next to its field, and nothing sent while there is one. */
    private void refusesABadRequest(WebDriver browser, String console) throws IOException {
        browser.get(console + "submit.html");
        type(browser, "requestId", "console-bad");
        type(browser, "dataset.uri", "http://elsewhere/data.jsonl");
        type(browser, "lora.r", "0");
        browser.findElement(By.id("submit")).click();
        await(
                browser,
                Duration.ofSeconds(10),
                b -> !problem(b, "lora.r").isEmpty()
                        && !problem(b, "dataset.uri").isEmpty());
        assertThat(problem(browser, "lora.r")).contains("lora.r");
        assertThat(problem(browser, "dataset.uri")).contains("s3://");
        assertThat(browser.getCurrentUrl()).as("not sent").contains("submit.html");
        screenshot(browser, "console-submit-problems.png");
    }

    /** A short run from the form: the bar moves, the table appears, the merged config.json downloads. */
    private void followsARun(WebDriver browser, String console) throws IOException {
        browser.get(console + "submit.html");
        type(browser, "requestId", RUN_ID);
        type(browser, "lora.r", "8");
        type(browser, "lora.alpha", "16");
        type(browser, "training.learningRate", "3e-3");
        type(browser, "training.maxSteps", "40");
        type(browser, "training.microBatchSize", "8");
        type(
                browser,
                "more",
                "{\"lora\": {\"dropout\": 0.0, \"targetModules\": [\"all-linear\", \"lm_head\"]},"
                        + " \"training\": {\"warmupSteps\": 0, \"weightDecay\": 0.0}}");
        browser.findElement(By.id("submit")).click();
        await(browser, Duration.ofSeconds(20), b -> b.getCurrentUrl().contains("run.html?id=" + RUN_ID));

        // the bar as the page shows it, sampled until training is done
        List<Double> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            String value = browser.findElement(By.id("progress")).getAttribute("value");
            double v = value == null || value.isBlank() ? 0 : Double.parseDouble(value);
            if (seen.isEmpty() || seen.get(seen.size() - 1) != v) {
                seen.add(v);
            }
            if (v >= 1.0) {
                break;
            }
            sleep(150);
        }
        log.println("console: progress bar values seen " + seen);
        assertThat(seen).as("the progress bar").contains(1.0);
        assertThat(seen.stream().filter(v -> v > 0 && v < 1).count())
                .as("the progress bar moved through values between 0 and 1: " + seen)
                .isPositive();

        await(browser, Duration.ofMinutes(2), b -> b.findElement(By.id("state"))
                .getText()
                .equals("merged"));
        List<WebElement> rows = browser.findElements(By.cssSelector("#evaluation tbody tr"));
        assertThat(rows).as("the base-vs-tuned table").isNotEmpty();
        assertThat(browser.findElement(By.cssSelector("#evaluation tbody tr[data-metric='perplexity']"))
                        .getText())
                .contains("±");
        await(browser, Duration.ofSeconds(20), b -> !b.findElements(By.cssSelector("a[data-path='merged/config.json']"))
                .isEmpty());
        await(browser, Duration.ofSeconds(20), b -> !b.findElements(By.cssSelector("img[data-chart='metrics.svg']"))
                .isEmpty());
        sleep(500); // the chart images load
        screenshot(browser, "console-run.png");

        browser.findElement(By.cssSelector("a[data-path='merged/config.json']")).click();
        Path config = work.resolve("downloads").resolve("config.json");
        await(browser, Duration.ofSeconds(20), b -> Files.exists(config));
        byte[] downloaded = Files.readAllBytes(config);
        try (ObjectStore store = new ObjectStore(stack.storage())) {
            byte[] stored = store.getBytes(S3Uri.parse("s3://lora/runs/" + RUN_ID + "/merged/config.json"));
            assertThat(downloaded).as("config.json as downloaded").isEqualTo(stored);
        }
        assertThat(Json.mapper().readTree(downloaded).isObject()).isTrue();
    }

    private static void type(WebDriver browser, String name, String text) {
        WebElement input = browser.findElement(By.name(name));
        input.clear();
        input.sendKeys(text);
    }

    private static String problem(WebDriver browser, String field) {
        return browser.findElement(By.cssSelector("[data-for='" + field + "']")).getText();
    }

    private void screenshot(WebDriver browser, String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(screenshots.resolve(name), png);
    }

    private static void await(
            WebDriver browser, Duration timeout, java.util.function.Function<WebDriver, Boolean> until) {
        new WebDriverWait(browser, timeout, Duration.ofMillis(200)).until(until::apply);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
