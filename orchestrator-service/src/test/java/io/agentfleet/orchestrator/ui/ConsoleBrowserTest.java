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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadGroupParams;

/**
 * The operator console in a real browser (the system Chromium, headless) against a real orchestrator, a real worker
 * running the test agents and a real Redis.
 */
class ConsoleBrowserTest {
    static final String AGENTS = "t-researcher,t-coder,t-reviewer,t-clarifier,t-flaky,t-planner";
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String HOSTILE =
            "<script>window.__pwned='script'</script><img src=x onerror=\"window.__pwned='img'\">";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;
    static Chromium browser;
    static UnifiedJedis client;

    @BeforeAll
    static void start() {
        Chromium.assumeInstalled();
        client = redis.client();
        worker = Orchestrators.worker(redis.uri(), AGENTS, Map.of());
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
        api = orchestrator.api();
        browser = Chromium.start();
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(browser, orchestrator, worker, client);
    }

    @Test
    void withoutAKeyOrWithAWrongOneNothingIsShownAndNothingChanges() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"ask","agent":"t-clarifier","input":{"q":"language"}}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);

        open("#/runs/" + runId, null);
        browser.awaitElement(By.id("key-form"));
        assertFalse(pageText().contains(runId), "no run is shown without a key");
        assertTrue(browser.driver().findElement(By.id("nav")).getAttribute("hidden") != null, "no navigation");

        browser.driver().findElement(By.id("api-key")).sendKeys("not-the-key");
        browser.driver()
                .findElement(By.cssSelector("#key-form button[type=submit]"))
                .click();
        browser.await(
                "the refusal is shown",
                d -> d.findElement(By.id("notice")).getText().contains("refused"));
        browser.awaitElement(By.id("key-form"));
        assertFalse(pageText().contains(runId), "no run is shown with a wrong key");
        assertNull(browser.script("return sessionStorage.getItem('agentfleet.apiKey')"), "a refused key is not kept");

        Object status = browser.asyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/v1/runs/' + arguments[0] + '/resume', {method: 'POST', body: '{\"answer\":1}',"
                        + " headers: {'Content-Type': 'application/json'}}).then(r => done(r.status));",
                runId);
        assertEquals(401L, status, "a state-changing call without the key is refused");
        assertEquals("NEEDS_HUMAN", api.run(runId).get("status").asText(), "nothing changed");
    }

    @Test
    void agentOutputWithMarkupIsRenderedAsText() {
        String runId = api.submit(Api.parse("{\"tasks\":[{\"id\":\"r\",\"agent\":\"t-researcher\",\"input\":{\"topic\":"
                + Api.JSON.valueToTree(HOSTILE) + "}}]}"));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        browser.consoleErrors();

        open("#/runs/" + runId, Orchestrators.KEY);
        WebElement details = browser.awaitElement(By.cssSelector("details[data-task='r']"));
        details.findElement(By.tagName("summary")).click();
        WebElement output = browser.awaitElement(By.cssSelector("details[data-task='r'] pre.output"));
        String input = browser.driver()
                .findElement(By.cssSelector("details[data-task='r'] pre.input"))
                .getText();
        for (String shown : List.of(output.getText(), input)) {
            assertTrue(shown.contains("<script>window.__pwned='script'</script>"), shown);
            assertTrue(shown.contains("<img src=x onerror="), shown);
        }
        assertEquals(
                0,
                browser.driver()
                        .findElements(By.cssSelector("main img, main script"))
                        .size());
        assertNull(browser.script("return window.__pwned"), "neither the script nor the onerror handler ran");
        assertEquals(List.of(), browser.consoleErrors(), "no console error (no CSP violation, no script error)");
    }

    @Test
    void aWorkflowPageFollowsEveryTaskToCompletedIncludingTheRevisionLoopWithoutReloading() {
        String runId = api.submit(Api.parse("""
                {"tasks":[
                  {"id":"r1","agent":"t-researcher","input":{"topic":"queues","sleepMs":1500}},
                  {"id":"r2","agent":"t-researcher","input":{"topic":"streams","sleepMs":1500}},
                  {"id":"code","agent":"t-coder","input":{"goal":"a worker"},"dependsOn":["r1","r2"],
                   "review":{"agent":"t-reviewer","maxRevisions":2,"onExhausted":"fail"}}]}"""));
        open("#/runs/" + runId, Orchestrators.KEY);
        browser.awaitElement(By.cssSelector("svg#dag g[data-task='code']"));
        browser.script("window.__sameDocument = true");

        browser.await(
                "the run's page shows COMPLETED",
                d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"));
        for (String task : List.of("r1", "r2", "code")) {
            WebElement node = browser.awaitElement(By.cssSelector("svg#dag g[data-task='" + task + "']"));
            assertEquals("COMPLETED", node.getAttribute("data-state"), task);
        }
        assertEquals(
                2,
                browser.driver()
                        .findElements(By.cssSelector("svg#dag path.edge.depends"))
                        .size());
        WebElement code = browser.driver().findElement(By.cssSelector("svg#dag g[data-task='code']"));
        assertTrue(code.getText().contains("review: t-reviewer · revision 1"), code.getText());
        browser.driver()
                .findElement(By.cssSelector("details[data-task='code'] summary"))
                .click();
        assertTrue(browser.awaitElement(By.cssSelector("details[data-task='code'] pre.feedback"))
                .getText()
                .contains("add tests (review of revision 0)"));
        browser.await(
                "both verdicts of the reviewer are listed",
                d -> d.findElements(By.cssSelector("details[data-task='code'] ol.reviews li"))
                                .size()
                        == 2);
        List<WebElement> verdicts =
                browser.driver().findElements(By.cssSelector("details[data-task='code'] ol.reviews li"));
        assertTrue(
                verdicts.get(0).getText().startsWith("revision 0: rejected"),
                verdicts.get(0).getText());
        assertTrue(
                verdicts.get(1).getText().startsWith("revision 1: approved"),
                verdicts.get(1).getText());
        assertEquals(Boolean.TRUE, browser.script("return window.__sameDocument"), "the page was never reloaded");
    }

    @Test
    void aParkedRunIsAnsweredFromThePageAndCompletes() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"ask","agent":"t-clarifier","input":{"q":"language"}}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);

        open("#/runs/" + runId, Orchestrators.KEY);
        WebElement question = browser.awaitElement(By.cssSelector("#parked .parked[data-task='ask'] pre.question"));
        assertTrue(question.getText().contains("which language should I use?"), question.getText());
        browser.driver()
                .findElement(By.cssSelector("textarea[data-answer='ask']"))
                .sendKeys("Java");
        browser.screenshot("parked");
        browser.driver()
                .findElement(By.cssSelector("#parked button[data-action='retry']"))
                .click();

        browser.await(
                "the run's page shows COMPLETED",
                d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"));
        JsonNode run = api.run(runId);
        assertEquals("COMPLETED", run.get("status").asText());
        assertEquals("Java", Api.task(run, "ask").get("output").get("answer").asText());
    }

    @Test
    void tasksAPlannerSpawnsAppearInTheOpenGraphWithTheirSpawnEdges() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"gate","agent":"t-clarifier","input":{"q":"go?"}},
                  {"id":"plan","agent":"t-planner","input":{"count":2},"dependsOn":["gate"]}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        open("#/runs/" + runId, Orchestrators.KEY);
        browser.awaitElement(By.cssSelector("svg#dag g[data-task='plan']"));
        assertTrue(browser.driver()
                .findElements(By.cssSelector("svg#dag g[data-task='sub1']"))
                .isEmpty());
        browser.script("window.__sameDocument = true");

        assertEquals(
                200,
                api.post(
                                "/v1/runs/" + runId + "/resume",
                                "{\"taskId\":\"gate\",\"action\":\"retry\",\"answer\":\"go\"}")
                        .status());
        for (String spawned : List.of("sub1", "sub2")) {
            browser.await(
                    spawned + " appears and reaches COMPLETED",
                    d -> !d.findElements(
                                    By.cssSelector("svg#dag g[data-task='" + spawned + "'][data-state='COMPLETED']"))
                            .isEmpty());
        }
        assertEquals(
                2,
                browser.driver()
                        .findElements(By.cssSelector("svg#dag path.edge.spawned"))
                        .size());
        assertEquals(Boolean.TRUE, browser.script("return window.__sameDocument"), "the page was never reloaded");
        assertEquals(
                "COMPLETED",
                api.awaitStatus(runId, "COMPLETED", TIMEOUT).get("status").asText());
    }

    @Test
    void aParkedTaskIsSkippedFromThePageAndAnotherFailedWhichFailsItsRun() {
        String skipped = parkedClarification("skip");
        String failed = parkedClarification("fail");

        open("#/runs/" + skipped, Orchestrators.KEY);
        browser.awaitElement(By.cssSelector("#parked button[data-action='skip']"))
                .click();
        browser.await(
                "the skipped run's page shows COMPLETED",
                d -> d.findElement(By.id("run-status")).getText().equals("COMPLETED"));
        assertEquals("SKIPPED", Api.task(api.run(skipped), "ask").get("state").asText());

        open("#/runs/" + failed, Orchestrators.KEY);
        browser.awaitElement(By.cssSelector("#parked button[data-action='fail']"))
                .click();
        browser.await(
                "the failed run's page shows FAILED",
                d -> d.findElement(By.id("run-status")).getText().equals("FAILED"));
        JsonNode run = api.run(failed);
        assertEquals("FAILED", Api.task(run, "ask").get("state").asText());
        assertTrue(run.toString().contains("FAILED_BY_HUMAN"), run.toString());
    }

    private static String parkedClarification(String topic) {
        String runId = api.submit(Api.parse(
                "{\"tasks\":[{\"id\":\"ask\",\"agent\":\"t-clarifier\",\"input\":{\"q\":\"" + topic + "\"}}]}"));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        return runId;
    }

    @Test
    void aDeadLetterIsInspectedAndRedrivenFromThePageAndItsTaskCompletes() {
        client.del(Probe.FIXED);
        Api.Response submitted = api.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"n\":1},\"escalate\":true}");
        String runId = submitted.json().get("runId").asText();
        String wireId = submitted.json().get("wireTaskId").asText();
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);
        client.set(Probe.FIXED, "1");

        open("#/dead-letters/t-flaky", Orchestrators.KEY);
        WebElement row = browser.await(
                "the dead letter of " + wireId + " is listed",
                d -> d.findElements(By.cssSelector("#dead-letters tr")).stream()
                        .filter(r -> r.getText().contains(wireId))
                        .findFirst()
                        .orElse(null));
        row.findElement(By.cssSelector("button[data-inspect]")).click();
        WebElement message = browser.awaitElement(By.id("dead-letter-message"));
        assertTrue(message.getText().contains(wireId), message.getText());
        assertTrue(browser.driver().findElement(By.id("inspector")).getText().contains("NON_RETRYABLE_FAILURE"));
        browser.screenshot("dead-letters");
        browser.driver().findElement(By.id("redrive-one")).click();

        browser.await(
                "the redrive is reported",
                d -> d.findElement(By.id("notice")).getText().contains("Redriven: 1"));
        JsonNode run = api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        assertTrue(Api.task(run, "task").get("output").get("fixed").asBoolean());
    }

    @Test
    void selectedDeadLettersAreRedrivenThenAllAfterConfirmingAndTheirTasksComplete() {
        client.del(Probe.FIXED);
        Map<String, String> runsByWireId = new LinkedHashMap<>();
        for (int n = 0; n < 3; n++) {
            JsonNode submitted = api.post(
                            "/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"redrive\":" + n + "},\"escalate\":true}")
                    .json();
            runsByWireId.put(
                    submitted.get("wireTaskId").asText(), submitted.get("runId").asText());
        }
        runsByWireId.values().forEach(runId -> api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT));
        client.set(Probe.FIXED, "1");
        List<String> wireIds = List.copyOf(runsByWireId.keySet());

        open("#/dead-letters/t-flaky", Orchestrators.KEY);
        WebElement first = browser.await(
                "the dead letters are listed",
                d -> d.findElements(By.cssSelector("#dead-letters tr")).stream()
                        .filter(r -> r.getText().contains(wireIds.get(0)))
                        .findFirst()
                        .orElse(null));
        first.findElement(By.cssSelector("input[type='checkbox']")).click();
        browser.awaitElement(By.id("redrive-selected")).click();
        browser.await(
                "the redrive of the selected one is reported",
                d -> d.findElement(By.id("notice")).getText().contains("Redriven: 1"));
        api.awaitStatus(runsByWireId.get(wireIds.get(0)), "COMPLETED", TIMEOUT);
        assertEquals(
                "NEEDS_HUMAN",
                api.run(runsByWireId.get(wireIds.get(1))).get("status").asText(),
                "not selected");

        int stored = api.get("/v1/agents/t-flaky/dead-letters")
                .json()
                .get("deadLetters")
                .size();
        browser.driver().findElement(By.cssSelector("#redrive-all button")).click();
        WebElement question = browser.awaitElement(By.cssSelector("#redrive-all .question"));
        assertEquals("Redrive all " + stored + " dead letters of t-flaky?", question.getText());
        browser.driver()
                .findElement(By.cssSelector("#redrive-all button[data-confirm='yes']"))
                .click();
        browser.await(
                "the redrive of all is reported",
                d -> d.findElement(By.id("notice")).getText().startsWith("Redriven: "));
        for (String wireId : wireIds.subList(1, 3)) {
            api.awaitStatus(runsByWireId.get(wireId), "COMPLETED", TIMEOUT);
        }
    }

    @Test
    void purgeAllAsksFirstNamingTheCountThenPurges() {
        client.del(Probe.FIXED);
        for (int n = 0; n < 2; n++) {
            String runId = api.post("/v1/tasks", "{\"agent\":\"t-flaky\",\"input\":{\"purge\":" + n + "}}")
                    .json()
                    .get("runId")
                    .asText();
            api.awaitStatus(runId, "FAILED", TIMEOUT);
        }
        int stored = api.get("/v1/agents/t-flaky/dead-letters")
                .json()
                .get("deadLetters")
                .size();
        assertTrue(stored >= 2);

        open("#/dead-letters/t-flaky", Orchestrators.KEY);
        browser.await(
                "the dead letters are listed",
                d -> d.findElements(By.cssSelector("#dead-letters tr")).size() == stored);
        browser.driver().findElement(By.cssSelector("#purge-all button")).click();
        WebElement question = browser.awaitElement(By.cssSelector("#purge-all .question"));
        assertEquals("Purge all " + stored + " dead letters of t-flaky? This cannot be undone.", question.getText());
        assertEquals(
                stored,
                api.get("/v1/agents/t-flaky/dead-letters")
                        .json()
                        .get("deadLetters")
                        .size(),
                "asking changes nothing");
        browser.driver()
                .findElement(By.cssSelector("#purge-all button[data-confirm='yes']"))
                .click();

        browser.await(
                "the purge is reported",
                d -> d.findElement(By.id("notice")).getText().equals("Purged: " + stored));
        assertEquals(
                0,
                api.get("/v1/agents/t-flaky/dead-letters")
                        .json()
                        .get("deadLetters")
                        .size());
    }

    @Test
    void aRunIsCancelledFromItsPageAfterConfirming() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"ask","agent":"t-clarifier","input":{"q":"cancel me"}}]}"""));
        api.awaitStatus(runId, "NEEDS_HUMAN", TIMEOUT);

        open("#/runs/" + runId, Orchestrators.KEY);
        browser.awaitElement(By.cssSelector("#cancel button")).click();
        browser.awaitElement(By.cssSelector("#cancel button[data-confirm='yes']"))
                .click();

        browser.await(
                "the run's page shows CANCELLED",
                d -> d.findElement(By.id("run-status")).getText().equals("CANCELLED"));
        assertEquals("CANCELLED", api.run(runId).get("status").asText());
    }

    @Test
    void theRunListShowsRunsNewestFirstAndFiltersByStatus() {
        String parked = api.submit(Api.parse("""
                {"tasks":[{"id":"ask","agent":"t-clarifier","input":{"q":"list"}}]}"""));
        api.awaitStatus(parked, "NEEDS_HUMAN", TIMEOUT);
        String done = api.submit(Api.parse("""
                {"tasks":[{"id":"r","agent":"t-researcher","input":{"topic":"list"}}]}"""));
        api.awaitStatus(done, "COMPLETED", TIMEOUT);

        open("#/runs", Orchestrators.KEY);
        browser.await("the newest run is listed first", d -> firstRow().equals(done));
        browser.screenshot("runs");
        new org.openqa.selenium.support.ui.Select(browser.driver().findElement(By.id("filter-status")))
                .selectByValue("NEEDS_HUMAN");
        browser.await(
                "only parked runs are listed",
                d -> d.findElements(By.cssSelector("#runs tr")).stream()
                                .allMatch(r -> r.getText().contains("NEEDS_HUMAN"))
                        && d.findElements(By.cssSelector("#runs tr[data-run='" + parked + "']"))
                                        .size()
                                == 1);
        browser.driver()
                .findElement(By.cssSelector("#runs tr[data-run='" + parked + "'] a"))
                .click();
        browser.await(
                "the run page opens",
                d -> d.findElement(By.id("run-id")).getText().equals(parked));
    }

    @Test
    void theFleetOverviewShowsEachAgentTypeWithSparklinesOfTheOrchestratorsSamples() {
        completed("fleet");
        String stalled = stalledTaskFiveMinutesOld();
        open("#/fleet", Orchestrators.KEY);
        for (String agent : AGENTS.split(",")) {
            browser.awaitElement(By.cssSelector("#fleet tr[data-agent='" + agent + "']"));
        }
        browser.await(
                "the throughput sparkline of t-researcher has a line (two samples or more, 5 s apart)",
                d -> !d.findElements(By.cssSelector(
                                "#fleet tr[data-agent='t-researcher'] svg[data-spark='throughput'] polyline"))
                        .isEmpty());
        String oldest = browser.awaitElement(By.cssSelector("#fleet tr[data-agent='" + stalled + "'] td:last-child"))
                .getText();
        assertTrue(oldest.endsWith(" s"), "oldest pending shown in seconds: " + oldest);
        double age = Double.parseDouble(oldest.substring(0, oldest.length() - 2));
        assertTrue(age >= 300 && age < 1800, "the stalled task's age: " + oldest);
        assertEquals(List.of(), browser.consoleErrors());
        browser.screenshot("fleet");
        JsonNode history = api.get("/v1/fleet/history").json();
        assertEquals(5000, history.get("intervalMs").asInt());
        JsonNode samples = history.get("agents").get("t-researcher");
        assertTrue(samples.size() >= 3, history.toString());
        assertTrue(samples.get(samples.size() - 1).get("results").asLong() >= 1, history.toString());
    }

    /** An agent type with one task delivered five minutes ago to a worker that never acknowledged it. */
    private static String stalledTaskFiveMinutesOld() {
        String type = "t-stalled";
        StreamKeys keys = StreamKeys.DEFAULT;
        client.sadd(keys.agents(), type);
        String stream = keys.tasks(type, 0);
        client.xgroupCreate(stream, StreamKeys.WORKERS_GROUP, StreamEntryID.XGROUP_LAST_ENTRY, true);
        client.xadd(
                stream,
                new StreamEntryID(
                        System.currentTimeMillis() - Duration.ofMinutes(5).toMillis(), 0),
                Map.of("payload", "{}"));
        client.xreadGroup(
                StreamKeys.WORKERS_GROUP,
                "stalled-worker",
                XReadGroupParams.xReadGroupParams().count(1),
                Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        return type;
    }

    private static void completed(String topic) {
        String runId = api.submit(Api.parse(
                "{\"tasks\":[{\"id\":\"r\",\"agent\":\"t-researcher\",\"input\":{\"topic\":\"" + topic + "\"}}]}"));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
    }

    private static String firstRow() {
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#runs tr"));
        return rows.isEmpty() ? "" : rows.get(0).getAttribute("data-run");
    }

    /** Opens the console at {@code fragment} in a fresh session, entering {@code key} when it is not null. */
    private static void open(String fragment, String key) {
        String base = "http://127.0.0.1:" + orchestrator.port() + "/ui/";
        browser.open(base);
        browser.script("sessionStorage.clear()");
        browser.open(base + fragment);
        browser.driver().navigate().refresh();
        if (key != null) {
            browser.awaitElement(By.id("api-key")).sendKeys(key);
            browser.driver()
                    .findElement(By.cssSelector("#key-form button[type=submit]"))
                    .click();
            browser.await("the console opened", d -> d.findElement(By.id("nav")).getAttribute("hidden") == null);
        }
    }

    private static String pageText() {
        return browser.driver().findElement(By.tagName("body")).getText();
    }
}
