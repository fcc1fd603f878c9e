package io.agentfleet.orchestrator.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.agents.Probe;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;

/**
 * The console following runs live in the system Chromium: the demo's own workflow (its planner, researchers, coder and
 * reviewer agents), a dropped event stream resumed with {@code Last-Event-ID}, the headers the page is served with,
 * API refusals on the page and the fleet page's partition rows. The browser reaches the orchestrator through a
 * {@link LoopbackProxy} so that a test can cut its connections.
 */
class ConsoleLiveBrowserTest {
    static final String DEMO_AGENTS = "planner,researcher,coder,reviewer";
    static final String AGENTS = DEMO_AGENTS + ",t-coder,t-reviewer,t-clarifier,t-flaky";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;
    static LoopbackProxy proxy;
    static Chromium browser;
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        Chromium.assumeInstalled();
        client = redis.client();
        worker = Orchestrators.worker(redis.uri(), AGENTS, Map.of());
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
        api = orchestrator.api();
        proxy = LoopbackProxy.to(orchestrator.port());
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(browser, proxy, orchestrator, worker, client);
    }

    /**
     * The demo's workflow (its planner given the demo's goal, on the demo agents) behind a clarifier gate, so that the
     * page is open before the planner starts: everything after the answer arrives over the page's event stream.
     */
    @Test
    void theDemoWorkflowsPageFollowsThePlannerItsResearchersAndTheReviewLoopToCompleted() {
        String runId = api.submit(Api.parse("""
                {"maxSteps":20,"budget":{"maxTokens":1000000},
                 "tasks":[{"id":"start","agent":"t-clarifier","input":{"q":"start the plan?"}},
                   {"id":"plan","agent":"planner","input":{"goal":"Build a rate limiter for our public API"},
                    "dependsOn":["start"]}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        open("#/runs/" + runId);
        browser.awaitElement(By.cssSelector("svg#dag g[data-task='plan'][data-state='PENDING']"));
        assertTrue(
                browser.driver()
                        .findElements(By.cssSelector("svg#dag g[data-task='implement']"))
                        .isEmpty(),
                "nothing spawned yet");
        browser.script("window.__sameDocument = true");
        assertEquals(
                200,
                api.post(
                                "/v1/runs/" + runId + "/resume",
                                "{\"taskId\":\"start\",\"action\":\"retry\",\"answer\":\"yes\"}")
                        .status());

        browser.await(
                "the run's page shows COMPLETED",
                d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"));
        JsonNode run = api.run(runId);
        List<String> spawned = new ArrayList<>();
        for (JsonNode task : run.get("tasks")) {
            String id = task.get("id").asText();
            WebElement node = browser.awaitElement(By.cssSelector("svg#dag g[data-task='" + id + "']"));
            assertEquals("COMPLETED", node.getAttribute("data-state"), id);
            if (task.hasNonNull("spawnedBy")) {
                spawned.add(id);
            }
        }
        assertTrue(spawned.containsAll(List.of("research-1", "research-2", "implement")), spawned.toString());
        assertEquals(spawned.size() + 2, run.get("tasks").size(), "start, plan and what the planner spawned");
        assertEquals(
                spawned.size(),
                browser.driver()
                        .findElements(By.cssSelector("svg#dag path.edge.spawned"))
                        .size(),
                "a spawn edge from the planner to each task it added");
        WebElement implement = browser.driver().findElement(By.cssSelector("svg#dag g[data-task='implement']"));
        assertTrue(implement.getText().contains("review: reviewer · revision 1"), implement.getText());
        browser.driver()
                .findElement(By.cssSelector("details[data-task='implement'] summary"))
                .click();
        List<String> verdicts = reviewVerdicts("implement", 2);
        JsonNode task = Api.task(run, "implement");
        Map<String, String> facts = facts("implement");
        assertEquals("coder", facts.get("agent"), facts.toString());
        assertEquals(task.get("attempts").asText(), facts.get("attempts"), facts.toString());
        assertEquals(task.get("durationMs").asText() + " ms", facts.get("duration"), facts.toString());
        JsonNode usage = task.get("usage");
        assertEquals(
                usage.get("tokensIn").asText() + " / " + usage.get("tokensOut").asText(),
                facts.get("tokens in / out"),
                facts.toString());
        assertTrue(facts.containsKey("cost"), facts.toString());
        browser.await(
                "the coder's output is shown",
                d -> !d.findElement(By.cssSelector("details[data-task='implement'] pre.output"))
                        .getText()
                        .isBlank());
        assertTrue(verdicts.get(0).startsWith("revision 0: rejected"), verdicts.toString());
        assertTrue(verdicts.get(1).startsWith("revision 1: approved"), verdicts.toString());

        long tokens = run.get("usage").get("tokens").asLong();
        assertTrue(tokens > 0, run.toString());
        String budget = browser.driver().findElement(By.cssSelector(".budget")).getText();
        assertTrue(
                budget.matches("steps " + run.get("steps").asInt() + "/20 · tokens " + tokens + "/1000000 · cost .*"),
                "the run's budget used against its limits: " + budget);
        assertEquals(Boolean.TRUE, browser.script("return window.__sameDocument"), "the page was never reloaded");
    }

    /**
     * The page holds the reviewer's two verdicts on {@code code} (taken from the event stream), then its connections
     * are cut and refused while the run is resumed and completes through the API. Once connections are allowed the page
     * reconnects with the last event id it saw, shows the run COMPLETED without a reload, and still lists two verdicts:
     * a reconnect without the id would replay the stream from its start and list four.
     */
    @Test
    void afterADroppedEventStreamThePageResumesWithLastEventIdAndMissesNothing() {
        String runId = api.submit(Api.parse("""
                {"tasks":[
                  {"id":"code","agent":"t-coder","input":{"goal":"a worker"},
                   "review":{"agent":"t-reviewer","maxRevisions":2,"onExhausted":"fail"}},
                  {"id":"gate","agent":"t-clarifier","input":{"q":"ship it?"},"dependsOn":["code"]}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        open("#/runs/" + runId);
        browser.awaitElement(By.cssSelector("#parked .parked[data-task='gate']"));
        browser.driver()
                .findElement(By.cssSelector("details[data-task='code'] summary"))
                .click();
        reviewVerdicts("code", 2);
        browser.await(
                "the page is live", d -> d.findElement(By.id("live")).getText().equals("live"));
        browser.script("window.__sameDocument = true");

        proxy.cut();
        browser.await(
                "the page notices the drop",
                d -> d.findElement(By.id("live")).getText().startsWith("reconnecting"));
        assertEquals(
                200,
                api.post(
                                "/v1/runs/" + runId + "/resume",
                                "{\"taskId\":\"gate\",\"action\":\"retry\",\"answer\":\"yes\"}")
                        .status());
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertEquals(
                "NEEDS_HUMAN", browser.driver().findElement(By.id("run-status")).getText(), "still cut off");
        proxy.allow();

        browser.await(
                "the page shows COMPLETED after reconnecting",
                d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"));
        assertEquals(Boolean.TRUE, browser.script("return window.__sameDocument"), "the page was never reloaded");
        assertEquals(2, reviewVerdicts("code", 2).size(), "no event was replayed twice");
        List<String> ids = eventRequestsLastEventIds(runId);
        assertTrue(ids.size() >= 2, "the first request and a reconnect: " + ids);
        assertEquals("", ids.get(0), "the first request starts from the beginning");
        String resumedFrom = ids.get(ids.size() - 1);
        assertFalse(resumedFrom.isEmpty(), "the reconnect names the last event it saw: " + ids);
        assertTrue(resumedFrom.matches("\\d+-\\d+"), "a stream entry id: " + resumedFrom);
    }

    @Test
    void theConsoleIsServedWithoutAKeyUnderAContentSecurityPolicyWithoutUnsafeInline() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/ui", "/ui/", "/ui/js/app.js", "/ui/console.css")) {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orchestrator.port() + path))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), path);
            String csp =
                    response.headers().firstValue("Content-Security-Policy").orElse("");
            assertEquals(ConsoleHeaders.CONTENT_SECURITY_POLICY, csp, path);
            assertFalse(csp.contains("unsafe-inline") || csp.contains("unsafe-eval"), csp);
            assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), csp);
            assertEquals(
                    "nosniff",
                    response.headers().firstValue("X-Content-Type-Options").orElse(null),
                    path);
            assertEquals(
                    "no-store", response.headers().firstValue("Cache-Control").orElse(null), path);
        }
    }

    @Test
    void anApiRefusalIsShownWithItsStatusFieldAndReason() {
        open("#/runs");
        browser.awaitElement(By.id("filter-key")).sendKeys("<script>", Keys.TAB);
        String shown = browser.await("the refusal is shown", d -> {
            String text = d.findElement(By.id("notice")).getText();
            return text.contains("400") ? text : null;
        });
        String reason =
                api.get("/v1/runs?apiKey=%3Cscript%3E").json().get("reason").asText();
        assertEquals("Could not list runs: 400 invalid_request (apiKey): " + reason, shown);
    }

    @Test
    void aPartitionedTypeHasOneRowPerPartitionOnTheFleetPage() {
        String type = "t-parted";
        StreamKeys keys = StreamKeys.DEFAULT;
        for (int p = 0; p < 2; p++) {
            client.xgroupCreate(keys.tasks(type, p), StreamKeys.WORKERS_GROUP, StreamEntryID.XGROUP_LAST_ENTRY, true);
        }
        client.xadd(keys.tasks(type, 1), StreamEntryID.NEW_ENTRY, Map.of("payload", "{}"));
        client.hset(keys.config(type), StreamKeys.PARTITIONS_FIELD, "2");
        client.sadd(keys.agents(), type);

        open("#/fleet");
        browser.awaitElement(By.cssSelector("#fleet tr[data-agent='" + type + "']:not(.partition)"));
        WebElement first = browser.awaitElement(
                By.cssSelector("#fleet tr.partition[data-agent='" + type + "'][data-partition='0']"));
        WebElement second = browser.awaitElement(
                By.cssSelector("#fleet tr.partition[data-agent='" + type + "'][data-partition='1']"));
        assertEquals(type + " #0", first.findElement(By.cssSelector("td")).getText());
        List<String> cells = second.findElements(By.cssSelector("td")).stream()
                .map(WebElement::getText)
                .toList();
        assertEquals(type + " #1", cells.get(0));
        assertEquals(List.of("1", "1"), cells.subList(3, 5), "partition 1's lag and length: " + cells);
    }

    @Test
    void aSelectedDeadLetterAndAnInspectedOneArePurgedAfterConfirmingAndTheOtherStays() {
        client.del(Probe.FIXED);
        List<String> wireIds = new ArrayList<>();
        for (int n = 0; n < 3; n++) {
            JsonNode submitted = api.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"purgeOne\":" + n + "}}")
                    .json();
            wireIds.add(submitted.get("wireTaskId").asText());
            api.awaitStatus(submitted.get("runId").asText(), "FAILED", TIMEOUT);
        }
        open("#/dead-letters/t-flaky");
        WebElement first = deadLetterRow(wireIds.get(0));
        first.findElement(By.cssSelector("input[type='checkbox']")).click();
        browser.driver().findElement(By.cssSelector("#purge-selected button")).click();
        assertEquals(
                "Purge 1 selected dead letters of t-flaky?",
                browser.awaitElement(By.cssSelector("#purge-selected .question"))
                        .getText());
        browser.driver()
                .findElement(By.cssSelector("#purge-selected button[data-confirm='yes']"))
                .click();
        browser.await(
                "the purge is reported",
                d -> d.findElement(By.id("notice")).getText().equals("Purged: 1"));

        deadLetterRow(wireIds.get(1))
                .findElement(By.cssSelector("button[data-inspect]"))
                .click();
        browser.awaitElement(By.cssSelector("#purge-one button")).click();
        assertTrue(browser.awaitElement(By.cssSelector("#purge-one .question"))
                .getText()
                .endsWith("It cannot be redriven afterwards."));
        browser.driver()
                .findElement(By.cssSelector("#purge-one button[data-confirm='yes']"))
                .click();
        browser.await(
                "only the third is listed",
                d -> d.findElements(By.cssSelector("#dead-letters tr")).size() == 1);
        JsonNode left = api.get("/v1/agents/t-flaky/dead-letters").json().get("deadLetters");
        assertEquals(1, left.size(), left.toString());
        assertEquals(wireIds.get(2), left.get(0).get("taskId").asText());
    }

    @Test
    void anAnswerThatParsesAsJsonIsSentAsJson() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"ask","agent":"t-clarifier","input":{"q":"json answer"}}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        open("#/runs/" + runId);
        browser.awaitElement(By.cssSelector("textarea[data-answer='ask']")).sendKeys("{\"language\":\"Java\"}");
        browser.driver()
                .findElement(By.cssSelector("#parked button[data-action='retry']"))
                .click();
        browser.await(
                "the run's page shows COMPLETED",
                d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"));
        JsonNode answer = Api.task(api.run(runId), "ask").get("output").get("answer");
        assertEquals("Java", answer.get("language").asText(), answer.toString());
    }

    @Test
    void forgetKeyClearsTheKeyAndAsksForItAgain() {
        open("#/fleet");
        browser.driver().findElement(By.id("forget-key")).click();
        browser.awaitElement(By.id("key-form"));
        assertNull(browser.script("return sessionStorage.getItem('agentfleet.apiKey')"));
        assertTrue(browser.driver().findElements(By.id("fleet")).isEmpty(), "the fleet page is gone");
    }

    @Test
    void theKeyIsSentAsABearerHeaderNeverInAUrlAndNotLogged() {
        open("#/runs");
        browser.awaitElement(By.id("filter-status"));
        List<String> heads = new ArrayList<>();
        proxy.sent().forEach(connection -> heads.addAll(List.of(connection.split("\r\n\r\n"))));
        Pattern bearer = Pattern.compile("(?im)^authorization: Bearer " + Pattern.quote(Orchestrators.KEY) + "\r?$");
        assertTrue(heads.stream().anyMatch(h -> bearer.matcher(h).find()), "the API calls carry the key as a header");
        for (String head : heads) {
            String requestLine = head.lines().findFirst().orElse("");
            assertFalse(requestLine.contains(Orchestrators.KEY), requestLine);
        }
        assertFalse(orchestrator.process().logText().contains(Orchestrators.KEY), "the orchestrator's log has no key");
    }

    /** The facts (agent, attempts, duration, tokens …) listed in task {@code task}'s open details. */
    private static Map<String, String> facts(String task) {
        By terms = By.cssSelector("details[data-task='" + task + "'] dl dt");
        By values = By.cssSelector("details[data-task='" + task + "'] dl dd");
        // Read again when an event rebuilt the details meanwhile (the wait ignores stale elements).
        return browser.await("the facts of " + task, d -> {
            Map<String, String> facts = new LinkedHashMap<>();
            List<WebElement> t = d.findElements(terms);
            List<WebElement> v = d.findElements(values);
            for (int i = 0; i < t.size() && i < v.size(); i++) {
                facts.put(t.get(i).getText(), v.get(i).getText());
            }
            return facts.isEmpty() ? null : facts;
        });
    }

    private static WebElement deadLetterRow(String wireId) {
        return browser.await(
                "the dead letter of " + wireId + " is listed",
                d -> d.findElements(By.cssSelector("#dead-letters tr")).stream()
                        .filter(r -> r.getText().contains(wireId))
                        .findFirst()
                        .orElse(null));
    }

    /** The reviewer's verdicts listed in task {@code task}'s open details, once there are {@code count} of them. */
    private static List<String> reviewVerdicts(String task, int count) {
        By verdicts = By.cssSelector("details[data-task='" + task + "'] ol.reviews li");
        return browser.await(count + " verdicts of the reviewer are listed", d -> {
            List<String> texts =
                    d.findElements(verdicts).stream().map(WebElement::getText).toList();
            return texts.size() == count ? texts : null;
        });
    }

    /** The Last-Event-ID of each request the browser sent for the run's events ("" without one), oldest first. */
    private static List<String> eventRequestsLastEventIds(String runId) {
        Pattern header = Pattern.compile("(?im)^last-event-id: *(\\S+)\\s*$");
        List<String> ids = new ArrayList<>();
        for (String connection : proxy.sent()) {
            for (String head : connection.split("\r\n\r\n")) {
                if (head.startsWith("GET /v1/runs/" + runId + "/events ")) {
                    Matcher m = header.matcher(head);
                    ids.add(m.find() ? m.group(1) : "");
                }
            }
        }
        return ids;
    }

    /** Opens the console through the proxy at {@code fragment} in a fresh session, with the test key. */
    private static void open(String fragment) {
        String base = "http://127.0.0.1:" + proxy.port() + "/ui/";
        browser.open(base);
        browser.script("sessionStorage.clear()");
        browser.open(base + fragment);
        browser.driver().navigate().refresh();
        browser.awaitElement(By.id("api-key")).sendKeys(Orchestrators.KEY);
        browser.driver()
                .findElement(By.cssSelector("#key-form button[type=submit]"))
                .click();
        browser.await("the console opened", d -> d.findElement(By.id("nav")).getAttribute("hidden") == null);
    }
}
