package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.idempotency.IdempotencyKey;
import io.agentfleet.orchestrator.idempotency.IdempotentSubmissions;
import io.agentfleet.orchestrator.idempotency.StoredResponse;
import io.agentfleet.orchestrator.runlist.RunIndex;
import io.agentfleet.orchestrator.telemetry.HttpTracing;
import io.agentfleet.orchestrator.workflow.DailyBudgetExceeded;
import io.agentfleet.orchestrator.workflow.RunAlreadyExists;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.RunsInFlightExceeded;
import io.agentfleet.orchestrator.workflow.engine.ResumeRejected;
import io.agentfleet.orchestrator.workflow.engine.RunOrigin;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.engine.RunView;
import io.agentfleet.orchestrator.workflow.engine.WireIds;
import io.agentfleet.orchestrator.workflow.spec.PayloadTooLargeException;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Submitting runs, reading them, following their events, cancelling and resuming them. */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RunController {
    private static final Logger LOG = LoggerFactory.getLogger(RunController.class);
    private static final Pattern RUN_ID = Pattern.compile("[0-9A-Z]{26}");
    static final String REPLAYED_HEADER = "Idempotent-Replayed";

    private final RunService runs;
    private final SpecParser parser;
    private final MessageCodec codec;
    private final OrchestratorConfig config;
    private final Clock clock;
    private final RunEvents events;
    private final HttpTracing tracing;
    private final RunIndex index;
    private final IdempotentSubmissions idempotency;

    public RunController(
            RunService runs,
            SpecParser parser,
            MessageCodec codec,
            OrchestratorConfig config,
            Clock clock,
            RunEvents events,
            HttpTracing tracing,
            RunIndex index,
            IdempotentSubmissions idempotency) {
        this.runs = runs;
        this.parser = parser;
        this.codec = codec;
        this.config = config;
        this.clock = clock;
        this.events = events;
        this.tracing = tracing;
        this.index = index;
        this.idempotency = idempotency;
    }

    @Post(value = "/tasks", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> submitTask(
            HttpRequest<?> request,
            @Nullable @Body String body,
            @Nullable @Header(IdempotencyKey.HEADER) String idempotencyKey) {
        return traced("/v1/tasks", request, () -> doSubmitTask(request, body, IdempotencyKey.of(idempotencyKey)));
    }

    private HttpResponse<String> doSubmitTask(HttpRequest<?> request, String body, IdempotencyKey key) {
        ObjectNode json = Requests.body(body, config, codec);
        String fingerprint = key == null ? null : IdempotentSubmissions.fingerprint("/v1/tasks", json);
        RunSpec spec = parser.singleTask(json, clock.instant()).withTrace(Requests.trace(request));
        Caller caller = Caller.of(request);
        return submitted(caller, key, fingerprint, runId -> {
            RunState run = submit(spec, caller, "task", runId);
            ObjectNode out = accepted(run);
            String taskId = spec.tasks().get(0).id();
            out.put("taskId", taskId);
            out.put("wireTaskId", WireIds.of(run.runId(), taskId, 0, false));
            return new StoredResponse(HttpStatus.ACCEPTED.getCode(), out.toString(), "/v1/runs/" + run.runId());
        });
    }

    @Post(value = "/workflows", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> submitWorkflow(
            HttpRequest<?> request,
            @Nullable @Body String body,
            @Nullable @Header(IdempotencyKey.HEADER) String idempotencyKey) {
        return traced(
                "/v1/workflows", request, () -> doSubmitWorkflow(request, body, IdempotencyKey.of(idempotencyKey)));
    }

    private HttpResponse<String> doSubmitWorkflow(HttpRequest<?> request, String body, IdempotencyKey key) {
        ObjectNode json = Requests.body(body, config, codec);
        String fingerprint = key == null ? null : IdempotentSubmissions.fingerprint("/v1/workflows", json);
        RunSpec spec = parser.workflow(json, clock.instant()).withTrace(Requests.trace(request));
        Caller caller = Caller.of(request);
        return submitted(caller, key, fingerprint, runId -> {
            RunState run = submit(spec, caller, "workflow", runId);
            ObjectNode out = accepted(run);
            out.put("tasks", spec.tasks().size());
            return new StoredResponse(HttpStatus.ACCEPTED.getCode(), out.toString(), "/v1/runs/" + run.runId());
        });
    }

    /**
     * Answers a submission: started under a fresh run id (null to {@code start}) without an {@code Idempotency-Key}, else at most once per
     * key (a repeat gets the first response, marked {@code Idempotent-Replayed: true}).
     */
    private HttpResponse<String> submitted(
            Caller caller, IdempotencyKey key, String fingerprint, Function<String, StoredResponse> start) {
        IdempotentSubmissions.Answer answer = key == null
                ? new IdempotentSubmissions.Answer(start.apply(null), false)
                : idempotency.submit(caller.tenant(), key, fingerprint, start);
        StoredResponse response = answer.response();
        MutableHttpResponse<String> out = HttpResponse.<String>status(HttpStatus.valueOf(response.status()))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(response.body())
                .header("Location", response.location());
        return answer.replayed() ? out.header(REPLAYED_HEADER, "true") : out;
    }

    /**
     * Starts a run owned by the caller's tenant, after checking the tenant's agent allowlist (403 naming the field)
     * and, in the service, its runs in flight (429). A run that exists under {@code runId} already (an idempotent
     * submission taken over from a replica that died) is returned as it is.
     */
    private RunState submit(RunSpec spec, Caller caller, String kind, String runId) {
        requireAllowed(caller, spec.tasks(), kind.equals("task") ? null : "tasks");
        RunState run;
        try {
            run = runs.submit(
                    spec, caller.keyName(), caller.tenant(), kind, runId == null ? null : RunOrigin.claimed(runId));
        } catch (RunAlreadyExists e) {
            return runs.get(runId);
        } catch (RunsInFlightExceeded e) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too_many_runs", null, e.getMessage());
        } catch (DailyBudgetExceeded e) {
            throw ApiException.budgetExceeded(e.getMessage(), e.retryAfterSeconds(clock.instant()));
        }
        listed(run, caller);
        return run;
    }

    /**
     * Adds the run to the run list. The run exists already, so a failure here is logged, not answered: an error would
     * make the client submit the run a second time.
     */
    private void listed(RunState run, Caller caller) {
        try {
            index.add(run.runId(), caller.tenant());
        } catch (RuntimeException e) {
            LOG.warn("run {} was created but could not be added to the run list: {}", run.runId(), e.toString());
        }
    }

    /** @param path the JSON path of {@code tasks}, or null for the one task of {@code POST /v1/tasks} */
    private void requireAllowed(Caller caller, List<TaskSpec> tasks, String path) {
        for (int i = 0; i < tasks.size(); i++) {
            TaskSpec task = tasks.get(i);
            String at = path == null ? "" : path + "[" + i + "].";
            if (task.workflow() != null) {
                // A sub-workflow's tasks are the caller's too: checked now rather than failing when the child starts.
                RunSpec child = parser.child(task.workflow(), at + "workflow", clock.instant());
                requireAllowed(caller, child.tasks(), at + "workflow.tasks");
                continue;
            }
            requireAllowed(caller, task.agent(), at + "agent");
            if (task.review() != null) {
                requireAllowed(caller, task.review().agent(), at + "review.agent");
            }
            if (task.fallback() != null) {
                requireAllowed(caller, task.fallback(), at + "fallback");
            }
        }
    }

    private void requireAllowed(Caller caller, String agent, String field) {
        if (!parser.allowsAgent(caller.tenant(), agent)) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    "forbidden",
                    field,
                    "tenant '" + caller.tenant() + "' may not use agent type '" + agent + "' (allowed: "
                            + String.join(
                                    ", ",
                                    new TreeSet<>(
                                            config.limitsOf(caller.tenant()).allowedAgents())) + ")");
        }
    }

    /** A SERVER span around a submit (continuing the caller's traceparent), when tracing is on. */
    private HttpResponse<String> traced(String route, HttpRequest<?> request, Supplier<HttpResponse<String>> submit) {
        return tracing.server(
                "POST", route, Requests.trace(request), submit, HttpResponse::code, RunController::statusOf);
    }

    private static int statusOf(RuntimeException e) {
        if (e instanceof ApiException api) {
            return api.status.getCode();
        }
        if (e instanceof BackpressureException) {
            return HttpStatus.TOO_MANY_REQUESTS.getCode();
        }
        if (e instanceof InvalidMessageException) {
            return (e instanceof PayloadTooLargeException
                            ? HttpStatus.REQUEST_ENTITY_TOO_LARGE
                            : HttpStatus.BAD_REQUEST)
                    .getCode();
        }
        return HttpStatus.INTERNAL_SERVER_ERROR.getCode();
    }

    @Get(value = "/runs/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> get(HttpRequest<?> request, @PathVariable String id) {
        return Json.ok(RunView.of(load(id, Caller.of(request))));
    }

    @Get(value = "/runs/{id}/events", produces = MediaType.TEXT_EVENT_STREAM)
    public Publisher<Event<String>> follow(
            HttpRequest<?> request,
            @PathVariable String id,
            @Nullable @Header("Last-Event-ID") String lastEventId,
            @Nullable @QueryValue("after") String after) {
        load(id, Caller.of(request));
        String from = lastEventId != null ? lastEventId : after;
        if (from != null && !Requests.isStreamId(from)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    lastEventId != null ? "Last-Event-ID" : "after",
                    "must be an event id such as 1700000000000-0");
        }
        return events.follow(id, from);
    }

    @Delete(value = "/runs/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> cancel(HttpRequest<?> request, @PathVariable String id) {
        Caller caller = Caller.of(request);
        load(id, caller);
        RunService.Outcome outcome = runs.cancel(id);
        RunState run = load(id, caller);
        if (outcome == RunService.Outcome.UNCHANGED && run.status() != RunStatus.CANCELLED) {
            throw new ApiException(
                    HttpStatus.CONFLICT, "conflict", "status", "run " + id + " already ended as " + run.status());
        }
        ObjectNode out = Json.object();
        out.put("runId", id);
        out.put("status", run.status().name());
        return Json.ok(out);
    }

    @Post(value = "/runs/{id}/resume", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> resume(HttpRequest<?> request, @PathVariable String id, @Nullable @Body String body) {
        Caller caller = Caller.of(request);
        load(id, caller);
        ObjectNode req = body == null || body.isBlank() ? Json.object() : Requests.body(body, config, codec);
        for (var it = req.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("taskId") && !field.equals("answer") && !field.equals("action")) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        field,
                        "unknown field (expected answer, taskId, action)");
            }
        }
        String taskId = req.hasNonNull("taskId") ? req.get("taskId").asText() : null;
        String action = req.hasNonNull("action") ? req.get("action").asText() : "retry";
        if (!action.equals("retry") && !action.equals("skip") && !action.equals("fail")) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "action",
                    "must be retry, skip or fail, but was '" + action + "'");
        }
        JsonNode answer = req.get("answer");
        if (action.equals("retry") && (answer == null || answer.isNull())) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "answer", "is required to retry a task");
        }
        try {
            if (runs.resume(id, taskId, answer, action) == RunService.Outcome.NOT_FOUND) {
                throw ApiException.notFound("run " + id);
            }
        } catch (ResumeRejected e) {
            throw new ApiException(
                    e.conflict ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST,
                    e.conflict ? "conflict" : "invalid_request",
                    e.field == null ? "status" : e.field,
                    e.getMessage());
        }
        RunState run = load(id, caller);
        ObjectNode out = Json.object();
        out.put("runId", id);
        out.put("status", run.status().name());
        return Json.ok(out);
    }

    /** The run, or 404 when there is none or it belongs to another tenant (the same answer, so ids cannot be probed). */
    private RunState load(String id, Caller caller) {
        requireRunId(id);
        RunState run = runs.get(id);
        if (run == null || !caller.mayAccess(run.tenant())) {
            throw ApiException.notFound("run " + id);
        }
        return run;
    }

    private static void requireRunId(String id) {
        if (!RUN_ID.matcher(id).matches()) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "id",
                    "'" + (id.length() > 40 ? id.substring(0, 40) + "..." : id)
                            + "' is not a run id (26 characters, ULID)");
        }
    }

    private static ObjectNode accepted(RunState run) {
        ObjectNode out = Json.object();
        out.put("runId", run.runId());
        out.put("status", run.status().name());
        out.put("self", "/v1/runs/" + run.runId());
        out.put("events", "/v1/runs/" + run.runId() + "/events");
        if (run.startAt() > 0) {
            out.put("startAt", Instant.ofEpochMilli(run.startAt()).toString());
        }
        return out;
    }
}
