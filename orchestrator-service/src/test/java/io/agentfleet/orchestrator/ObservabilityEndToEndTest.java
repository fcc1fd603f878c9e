package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.orchestrator.support.Api;
import io.agentfleet.orchestrator.support.JsonFileSpanExporterProvider;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.Prometheus;
import io.agentfleet.testsupport.RedisExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tracing, metrics and JSON logs across real processes: an orchestrator and a worker, each exporting its spans to a
 * file through the test-only {@code jsonfile} exporter and logging JSON.
 */
class ObservabilityEndToEndTest {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String CALLER_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN_ID = "00f067aa0ba902b7";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static Path dir;
    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static Api api;

    @BeforeAll
    static void start() throws IOException {
        redis.flushAll();
        dir = Files.createTempDirectory("fleet-spans");
        worker = Orchestrators.worker(
                redis.uri(), "t-researcher,t-coder", Map.of(), telemetry(dir.resolve("worker.jsonl")));
        orchestrator = Orchestrators.orchestrator(
                redis.uri(), Orchestrators.fastRecovery(), telemetry(dir.resolve("orchestrator.jsonl")));
        api = orchestrator.api();
    }

    static Map<String, String> telemetry(Path spans) {
        return Map.of(
                "OTEL_TRACES_EXPORTER",
                JsonFileSpanExporterProvider.NAME,
                JsonFileSpanExporterProvider.PATH_ENV,
                spans.toString(),
                "OTEL_BSP_SCHEDULE_DELAY",
                "100",
                "FLEET_LOG_FORMAT",
                "json");
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker);
    }

    @Test
    void aWorkflowIsOneTraceFromOrchestratorToWorkerToOrchestrator() {
        Api.Response submitted = api.send(api.request("/v1/workflows")
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + CALLER_TRACE_ID + "-" + CALLER_SPAN_ID + "-01")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"tasks":[
                          {"id":"a","agent":"t-researcher","input":{"topic":"traces"}},
                          {"id":"b","agent":"t-coder","input":{"goal":"spans"},"dependsOn":["a"]},
                          {"id":"c","agent":"t-researcher","input":{"topic":"links"},"dependsOn":["b"]}]}""")));
        assertEquals(202, submitted.status(), submitted.toString());
        String runId = submitted.json().get("runId").asText();
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);

        Path workerFile = dir.resolve("worker.jsonl");
        Path orchestratorFile = dir.resolve("orchestrator.jsonl");
        Await.until(
                TIMEOUT,
                () -> ofRun(spans(workerFile), runId, "CONSUMER").size() >= 3
                        && ofRun(spans(orchestratorFile), runId, "CONSUMER").size() >= 3,
                "the spans of run " + runId);
        List<JsonNode> workerSpans = spans(workerFile);
        List<JsonNode> orchestratorSpans = spans(orchestratorFile);

        JsonNode server = only(
                orchestratorSpans,
                s -> s.get("kind").asText().equals("SERVER")
                        && s.get("name").asText().equals("POST /v1/workflows")
                        && s.get("traceId").asText().equals(CALLER_TRACE_ID));
        assertEquals(
                CALLER_SPAN_ID,
                server.get("parentSpanId").asText(),
                "the SERVER span continues the caller's traceparent");
        JsonNode run = only(
                orchestratorSpans,
                s -> s.get("name").asText().equals("workflow run")
                        && runId.equals(
                                s.get("attributes").path("agentfleet.run.id").asText()));
        assertEquals(server.get("spanId").asText(), run.get("parentSpanId").asText());

        List<JsonNode> publishes = ofRun(orchestratorSpans, runId, "PRODUCER");
        List<JsonNode> processes = ofRun(workerSpans, runId, "CONSUMER");
        List<JsonNode> results = ofRun(orchestratorSpans, runId, "CONSUMER");
        assertEquals(3, publishes.size(), publishes.toString());
        assertEquals(3, processes.size(), processes.toString());
        assertEquals(3, results.size(), results.toString());

        List<JsonNode> all = new ArrayList<>(List.of(server, run));
        all.addAll(publishes);
        all.addAll(processes);
        all.addAll(results);
        assertEquals(
                Set.of(CALLER_TRACE_ID),
                all.stream().map(s -> s.get("traceId").asText()).collect(Collectors.toSet()),
                "every span of the run is in the caller's trace");

        Set<String> publishIds = ids(publishes);
        Set<String> processIds = ids(processes);
        for (JsonNode publish : publishes) {
            assertEquals(
                    run.get("spanId").asText(),
                    publish.get("parentSpanId").asText(),
                    "a dispatch is a child of the run span");
            assertEquals(
                    "send",
                    publish.get("attributes").path("messaging.operation.type").asText());
            assertTrue(
                    publish.get("attributes")
                            .path("messaging.destination.name")
                            .asText()
                            .matches("fleet:\\{t-(researcher|coder)}:tasks"),
                    publish.toString());
        }
        for (JsonNode process : processes) {
            assertEquals("fleet-worker", process.get("service").asText());
            assertTrue(
                    publishIds.contains(process.get("parentSpanId").asText()),
                    "the worker's CONSUMER span is a child of an orchestrator PRODUCER span: " + process);
            assertEquals(
                    process.get("parentSpanId").asText(),
                    process.get("links").get(0).get("spanId").asText(),
                    "and links to it");
            JsonNode a = process.get("attributes");
            String agent = a.path("agentfleet.agent.type").asText();
            assertEquals(
                    "fleet:{" + agent + "}:tasks",
                    a.path("messaging.destination.name").asText());
            assertEquals("workers", a.path("messaging.consumer.group.name").asText());
            assertTrue(a.path("messaging.message.id").asText().matches("\\d+-\\d+"), a.toString());
            assertEquals("redis", a.path("messaging.system").asText());
            assertEquals("process", a.path("messaging.operation.type").asText());
            assertTrue(a.path("agentfleet.task.id").asText().startsWith(runId), a.toString());
            assertEquals("1", a.path("agentfleet.attempt").asText());
        }
        for (JsonNode result : results) {
            assertEquals("fleet-orchestrator", result.get("service").asText());
            assertTrue(
                    processIds.contains(result.get("parentSpanId").asText()),
                    "the orchestrator's result span is a child of the worker's span: " + result);
            assertTrue(
                    result.get("attributes")
                            .path("messaging.destination.name")
                            .asText()
                            .endsWith(":results"),
                    result.toString());
            assertEquals(
                    "orchestrators",
                    result.get("attributes")
                            .path("messaging.consumer.group.name")
                            .asText());
        }
    }

    @Test
    void prometheusCountsFinishedRunsByStatusAndReportsStreamGauges() {
        String runId = api.submit(Api.parse("""
                {"tasks":[{"id":"only","agent":"t-researcher","input":{"topic":"metrics"}}]}"""));
        api.awaitStatus(runId, "COMPLETED", TIMEOUT);
        Await.until(
                TIMEOUT,
                () -> Prometheus.sample(orchestrator.prometheus(), "fleet_runs_total{status=\"COMPLETED\"}") >= 1,
                "fleet_runs_total{status=\"COMPLETED\"} >= 1");
        // The sampler runs every 5 s over every agent type the fleet knows; a sample taken while the task was still
        // queued shows it until the next one, so wait for a sample taken after the run finished.
        List<String> gauges = List.of(
                "fleet_stream_length",
                "fleet_stream_pending",
                "fleet_stream_lag",
                "fleet_delayed",
                "fleet_dead_letters_stored");
        Await.until(
                TIMEOUT,
                () -> {
                    String metrics = orchestrator.prometheus();
                    return gauges.stream()
                            .allMatch(g -> metrics.contains(g + "{agent=\"t-researcher\",partition=\"0\"}")
                                    && Prometheus.sample(metrics, g + "{agent=\"t-researcher\",partition=\"0\"}")
                                            == 0.0);
                },
                "every stream gauge of t-researcher reads 0 after the run");
    }

    @Test
    void bothProcessesLogJsonWhenAskedTo() {
        for (String log : List.of(worker.logText(), orchestrator.process().logText())) {
            String line = log.lines()
                    .filter(l -> l.contains("Startup completed"))
                    .findFirst()
                    .orElseThrow();
            JsonNode json = Api.parse(line);
            assertEquals("INFO", json.get("level").asText());
            assertNotNull(json.get("formattedMessage"), line);
            assertFalse(json.has("arguments"), line);
        }
    }

    static List<JsonNode> spans(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream()
                    .filter(l -> !l.isBlank())
                    .map(l -> (JsonNode) Api.parse(l))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> ofRun(List<JsonNode> spans, String runId, String kind) {
        return spans.stream()
                .filter(s -> s.get("kind").asText().equals(kind)
                        && runId.equals(
                                s.get("attributes").path("agentfleet.run.id").asText()))
                .toList();
    }

    static JsonNode only(List<JsonNode> spans, java.util.function.Predicate<JsonNode> which) {
        List<JsonNode> found = spans.stream().filter(which).toList();
        assertEquals(1, found.size(), "exactly one matching span among " + spans);
        return found.get(0);
    }

    static Set<String> ids(List<JsonNode> spans) {
        return spans.stream().map(s -> s.get("spanId").asText()).collect(Collectors.toSet());
    }
}
