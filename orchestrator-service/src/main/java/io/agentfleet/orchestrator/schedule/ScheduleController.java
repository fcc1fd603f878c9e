package io.agentfleet.orchestrator.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.http.ApiException;
import io.agentfleet.orchestrator.http.Json;
import io.agentfleet.orchestrator.http.Requests;
import io.agentfleet.orchestrator.workflow.DailyBudgetExceeded;
import io.agentfleet.orchestrator.workflow.RunsInFlightExceeded;
import io.agentfleet.orchestrator.workflow.engine.RunOrigin;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.regex.Pattern;

/**
 * Recurring schedules: create, list, read, pause, resume, trigger now, delete. A schedule belongs to the tenant of the
 * key that created it; other tenants get 404, an operator key sees and changes every schedule.
 */
@Controller("/v1/schedules")
@ExecuteOn(TaskExecutors.BLOCKING)
public class ScheduleController {
    private static final Pattern SCHEDULE_ID = Pattern.compile("[0-9A-Z]{26}");

    private final ScheduleStore store;
    private final ScheduleTemplates templates;
    private final ScheduleRuns runs;
    private final SchedulesConfig config;
    private final OrchestratorConfig orchestrator;
    private final MessageCodec codec;
    private final Clock clock;

    ScheduleController(
            ScheduleStore store,
            ScheduleTemplates templates,
            ScheduleRuns runs,
            SchedulesConfig config,
            OrchestratorConfig orchestrator,
            MessageCodec codec,
            Clock clock) {
        this.store = store;
        this.templates = templates;
        this.runs = runs;
        this.config = config;
        this.orchestrator = orchestrator;
        this.codec = codec;
        this.clock = clock;
    }

    @Post(consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> create(HttpRequest<?> request, @Nullable @Body String body) {
        Caller caller = Caller.of(request);
        Instant now = clock.instant();
        Schedule s = ScheduleRequests.parse(Requests.body(body, orchestrator, codec), caller, now);
        templates.parse(s.kind(), s.template(), s.tenant(), now);
        long first = s.timing().nextAfter(now.toEpochMilli());
        if (!store.create(s, first, config.maxPerTenant())) {
            throw new ApiException(
                    HttpStatus.CONFLICT,
                    "conflict",
                    "tenant",
                    "tenant '" + s.tenant() + "' has " + config.maxPerTenant() + " schedules, its limit ("
                            + SchedulesConfig.MAX_PER_TENANT + "); delete one first");
        }
        return Json.status(HttpStatus.CREATED, view(s, true)).header("Location", "/v1/schedules/" + s.id());
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> list(HttpRequest<?> request) {
        Caller caller = Caller.of(request);
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("schedules");
        store.list(caller.admin() ? null : caller.tenant()).stream()
                .filter(s -> caller.mayAccess(s.tenant()))
                .sorted(Comparator.comparing(Schedule::id))
                .forEach(s -> list.add(view(s, false)));
        return Json.ok(out);
    }

    @Get(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> get(HttpRequest<?> request, @PathVariable String id) {
        return Json.ok(view(load(id, Caller.of(request)), true));
    }

    @Post(value = "/{id}/pause", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> pause(HttpRequest<?> request, @PathVariable String id) {
        Schedule s = load(id, Caller.of(request));
        store.pause(s.id());
        return Json.ok(view(s, true));
    }

    /** Resumes from the first tick after now: ticks that fell while it was paused start nothing. */
    @Post(value = "/{id}/resume", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> resume(HttpRequest<?> request, @PathVariable String id) {
        Schedule s = load(id, Caller.of(request));
        store.resume(s.id(), s.timing().nextAfter(clock.millis()));
        return Json.ok(view(s, true));
    }

    /** Starts one run now, paused or not; the schedule's ticks are unchanged. */
    @Post(value = "/{id}/trigger", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> trigger(HttpRequest<?> request, @PathVariable String id) {
        Schedule s = load(id, Caller.of(request));
        RunState run;
        try {
            run = runs.start(s, RunOrigin.manual(s.id(), clock.instant()), TickRecord.Outcome.TRIGGERED);
        } catch (RunsInFlightExceeded e) {
            throw new ApiException(HttpStatus.TOO_MANY_REQUESTS, "too_many_runs", null, e.getMessage());
        } catch (DailyBudgetExceeded e) {
            throw ApiException.budgetExceeded(e.getMessage(), e.retryAfterSeconds(clock.instant()));
        }
        ObjectNode out = Json.object();
        out.put("runId", run.runId());
        out.put("status", run.status().name());
        out.put("self", "/v1/runs/" + run.runId());
        out.put("events", "/v1/runs/" + run.runId() + "/events");
        out.put("scheduleId", s.id());
        return Json.status(HttpStatus.ACCEPTED, out).header("Location", "/v1/runs/" + run.runId());
    }

    /** Deletes the schedule and its tick history; runs it started are kept. */
    @Delete(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> delete(HttpRequest<?> request, @PathVariable String id) {
        Schedule s = load(id, Caller.of(request));
        if (!store.delete(s)) {
            throw ApiException.notFound("schedule " + id);
        }
        ObjectNode out = Json.object();
        out.put("scheduleId", s.id());
        out.put("status", "DELETED");
        return Json.ok(out);
    }

    private ObjectNode view(Schedule s, boolean withHistory) {
        return ScheduleView.of(s, store.nextTick(s.id()), withHistory ? store.history(s.id()) : null);
    }

    /** The schedule, or 404 when there is none or it belongs to another tenant (the same answer, so ids cannot be probed). */
    private Schedule load(String id, Caller caller) {
        if (!SCHEDULE_ID.matcher(id).matches()) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "id",
                    "'" + (id.length() > 40 ? id.substring(0, 40) + "..." : id)
                            + "' is not a schedule id (26 characters, ULID)");
        }
        Schedule s = store.get(id);
        if (s == null || !caller.mayAccess(s.tenant())) {
            throw ApiException.notFound("schedule " + id);
        }
        return s;
    }
}
