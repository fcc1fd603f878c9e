package io.agentfleet.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.agentfleet.orchestrator.generated.ApiClient;
import io.agentfleet.orchestrator.generated.ApiException;
import io.agentfleet.orchestrator.generated.api.DeadLettersApi;
import io.agentfleet.orchestrator.generated.api.FleetApi;
import io.agentfleet.orchestrator.generated.api.RunsApi;
import io.agentfleet.orchestrator.generated.model.DeadLetter;
import io.agentfleet.orchestrator.generated.model.DeadLetterPage;
import io.agentfleet.orchestrator.generated.model.DeadLetterReason;
import io.agentfleet.orchestrator.generated.model.ErrorReason;
import io.agentfleet.orchestrator.generated.model.Failure;
import io.agentfleet.orchestrator.generated.model.ResumeRequest;
import io.agentfleet.orchestrator.generated.model.Run;
import io.agentfleet.orchestrator.generated.model.RunAccepted;
import io.agentfleet.orchestrator.generated.model.RunEvent;
import io.agentfleet.orchestrator.generated.model.RunEventType;
import io.agentfleet.orchestrator.generated.model.RunStatus;
import io.agentfleet.orchestrator.generated.model.Task;
import io.agentfleet.orchestrator.generated.model.TaskAccepted;
import io.agentfleet.orchestrator.generated.model.TaskSubmission;
import io.agentfleet.orchestrator.generated.model.WorkflowSubmission;
import io.agentfleet.orchestrator.support.OpenApiContract;
import io.agentfleet.orchestrator.support.Orchestrators;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Java client generated at build time from the served OpenAPI document (OpenAPI Generator, {@code java}/{@code
 * native}) drives a real orchestrator and worker: it submits a workflow and a task, follows the events while the stream
 * is open, answers a parked run, reads typed errors and lists a dead letter. Its object mapper refuses unknown fields,
 * so every field the server sends must be in the document.
 */
class GeneratedClientTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String UNKNOWN_RUN = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

    @RegisterExtension
    static final RedisExtension redis =
            RedisExtension.builder().flushBeforeEach(false).build();

    static JavaProcess worker;
    static Orchestrators.Orchestrator orchestrator;
    static ApiClient client;
    static RunsApi runs;
    static DeadLettersApi deadLetters;
    static FleetApi fleet;

    @BeforeAll
    static void start() {
        worker = Orchestrators.worker(redis.uri(), "t-coder,t-clarifier,t-flaky", Map.of());
        orchestrator = Orchestrators.orchestrator(redis.uri(), Orchestrators.fastRecovery());
        client = client(Orchestrators.KEY);
        runs = new RunsApi(client);
        deadLetters = new DeadLettersApi(client);
        fleet = new FleetApi(client);
    }

    @AfterAll
    static void stop() {
        Orchestrators.closeAll(orchestrator, worker);
    }

    private static ApiClient client(String key) {
        ApiClient c = new ApiClient();
        c.updateBaseUri(orchestrator.api().base());
        c.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + key));
        c.setObjectMapper(ApiClient.createDefaultObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true));
        return c;
    }

    @Test
    void theServedDocumentIsTheOneTheClientWasGeneratedFrom() throws Exception {
        HttpResponse<String> served = client.getHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(client.getBaseUri() + "/v1/openapi.yml"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, served.statusCode());
        assertEquals(OpenApiContract.text(), served.body());
    }

    @Test
    void aWorkflowIsFollowedThroughItsTypedEventsWhileTheStreamIsOpenAndAnsweredWhenItAsks() throws ApiException {
        RunAccepted accepted = runs.submitWorkflow(
                new WorkflowSubmission()
                        .tasks(List.of(
                                new Task().id("code").agent("t-coder"),
                                new Task().id("ask").agent("t-clarifier").dependsOn(List.of("code")))),
                "generated-client-" + System.nanoTime());
        assertEquals(RunStatus.RUNNING, accepted.getStatus());
        assertEquals(2, accepted.getTasks());

        List<RunEvent> seen = assertTimeoutPreemptively(TIMEOUT, () -> {
            try (Stream<String> lines = events(accepted.getRunId())) {
                Iterator<String> stream = lines.iterator();
                List<RunEvent> events = readUntil(stream, RunEventType.RUN_PARKED);
                // The stream is still open: the run waits for this answer, given while the events are being read.
                runs.resumeRun(accepted.getRunId(), new ResumeRequest().answer("java"));
                events.addAll(readUntil(stream, RunEventType.RUN_FINISHED));
                return events;
            }
        });

        RunEvent asked = first(seen, RunEventType.TASK_NEEDS_HUMAN);
        assertEquals("ask", asked.getTaskId());
        assertEquals(RunEvent.WhyEnum.CLARIFICATION_NEEDED, asked.getWhy());
        assertEquals("which language should I use?", asked.getQuestion().getQuestion());
        assertEquals(RunStatus.COMPLETED, first(seen, RunEventType.RUN_FINISHED).getStatus());
        assertEquals(RunEventType.RUN_STARTED, seen.get(0).getType());

        Run run = runs.getRun(accepted.getRunId());
        assertEquals(RunStatus.COMPLETED, run.getStatus());
        assertEquals(2, run.getTasks().size());
        run.getTasks()
                .forEach(task -> assertEquals(
                        task.getUsage().getTokensIn() + task.getUsage().getTokensOut(),
                        task.getUsage().getTokens()));
        assertTrue(
                runs.listRuns(RunStatus.COMPLETED, null, null, 10, null).getRuns().stream()
                        .anyMatch(summary -> summary.getRunId().equals(accepted.getRunId())),
                "the completed run is listed");
        assertTrue(
                fleet.listAgents(null).getAgents().stream()
                        .anyMatch(agent -> agent.getAgent().equals("t-clarifier")),
                "the agent type is listed");
    }

    @Test
    void aFailedTaskReadsAsATypedFailureAndItsDeadLetterIsListed() throws ApiException {
        TaskAccepted accepted =
                runs.submitTask(new TaskSubmission().agent("t-flaky").input(Map.of("n", 1)), null);
        String runId = accepted.getRunId();
        Run[] run = new Run[1];
        Await.until(
                TIMEOUT,
                () -> (run[0] = unchecked(() -> runs.getRun(runId))).getStatus() == RunStatus.FAILED,
                "run " + runId + " to fail");

        Failure error = run[0].getError();
        assertEquals("BROKEN", error.getType());
        assertEquals(ErrorReason.NON_RETRYABLE_FAILURE, error.getReason());
        assertFalse(error.getRetryable());
        assertEquals(accepted.getTaskId(), error.getTask());
        assertEquals(error.getType(), run[0].getTasks().get(0).getError().getType());

        DeadLetter[] found = new DeadLetter[1];
        Await.until(
                TIMEOUT,
                () -> (found[0] = letterFor(
                                unchecked(() -> deadLetters.listDeadLetters("t-flaky", null, 100)),
                                accepted.getWireTaskId()))
                        != null,
                "the dead letter of " + accepted.getWireTaskId());
        DeadLetter letter = found[0];
        assertEquals(DeadLetterReason.NON_RETRYABLE_FAILURE, letter.getReason());
        assertEquals(
                letter.getTaskId(),
                deadLetters.getDeadLetter("t-flaky", letter.getEntryId()).getTaskId());
        assertEquals(
                1L, deadLetters.purgeDeadLetter("t-flaky", letter.getEntryId()).getPurged());
    }

    @Test
    void refusalsReadAsTheTypedErrorBody() {
        assertRefused(
                404,
                io.agentfleet.orchestrator.generated.model.Error.ErrorEnum.NOT_FOUND,
                null,
                () -> runs.getRun(UNKNOWN_RUN));
        assertRefused(
                400,
                io.agentfleet.orchestrator.generated.model.Error.ErrorEnum.INVALID_REQUEST,
                "tasks[0].agent",
                () -> runs.submitWorkflow(
                        new WorkflowSubmission()
                                .tasks(List.of(new Task().id("a").agent("Bad Agent!"))),
                        null));
        assertRefused(
                400,
                io.agentfleet.orchestrator.generated.model.Error.ErrorEnum.INVALID_REQUEST,
                "count",
                () -> deadLetters.listDeadLetters("t-flaky", null, 5000));
        assertRefused(
                403,
                io.agentfleet.orchestrator.generated.model.Error.ErrorEnum.FORBIDDEN,
                "Authorization",
                () -> new RunsApi(client("not-a-key")).getRun(UNKNOWN_RUN));
    }

    private static void assertRefused(
            int status,
            io.agentfleet.orchestrator.generated.model.Error.ErrorEnum error,
            String field,
            org.junit.jupiter.api.function.Executable call) {
        ApiException refused = assertThrows(ApiException.class, call);
        assertEquals(status, refused.getCode(), refused.getResponseBody());
        io.agentfleet.orchestrator.generated.model.Error body = read(refused.getResponseBody());
        assertEquals(error, body.getError());
        assertEquals(field, body.getField());
        assertFalse(body.getReason().isBlank());
    }

    private static io.agentfleet.orchestrator.generated.model.Error read(String body) {
        try {
            return client.getObjectMapper().readValue(body, io.agentfleet.orchestrator.generated.model.Error.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The run's event stream, line by line as it arrives, with the generated client's connection and key. */
    private static Stream<String> events(String runId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(client.getBaseUri() + "/v1/runs/" + runId + "/events"))
                .header("Accept", "text/event-stream");
        client.getRequestInterceptor().accept(request);
        HttpResponse<Stream<String>> response =
                client.getHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    /** Reads events, each {@code data:} line as the generated {@link RunEvent}, up to and including {@code last}. */
    private static List<RunEvent> readUntil(Iterator<String> lines, RunEventType last) throws IOException {
        List<RunEvent> events = new ArrayList<>();
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:")) {
                RunEvent event =
                        client.getObjectMapper().readValue(line.substring(5).trim(), RunEvent.class);
                events.add(event);
                if (event.getType() == last) {
                    return events;
                }
            }
        }
        throw new AssertionError("the stream ended before " + last + "; read " + events);
    }

    private static RunEvent first(List<RunEvent> events, RunEventType type) {
        return events.stream()
                .filter(e -> e.getType() == type)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in " + events));
    }

    /** A call of the generated client whose refusal fails the test with the status and body. */
    private interface Call<T> {
        T call() throws ApiException;
    }

    private static <T> T unchecked(Call<T> call) {
        try {
            return call.call();
        } catch (ApiException e) {
            throw new AssertionError(e.getCode() + " " + e.getResponseBody(), e);
        }
    }

    private static DeadLetter letterFor(DeadLetterPage page, String wireTaskId) {
        return page.getDeadLetters().stream()
                .filter(letter -> letter.getTaskId().equals(wireTaskId))
                .findFirst()
                .orElse(null);
    }
}
