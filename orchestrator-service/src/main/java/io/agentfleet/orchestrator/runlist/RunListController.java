package io.agentfleet.orchestrator.runlist;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.http.ApiException;
import io.agentfleet.orchestrator.http.Json;
import io.agentfleet.orchestrator.http.QueryValues;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Instant;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/runs}: the caller's tenant's runs (an operator key: every run), newest first, optionally only those
 * with one {@code status}, submitted with one {@code apiKey} (a key name) or started by one {@code scheduleId},
 * {@code count} per page (1 to 100, default 20), the next page from {@code before} (the previous page's {@code next}).
 */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class RunListController {
    static final int DEFAULT_COUNT = 20;
    static final int MAX_COUNT = 100;
    private static final Pattern RUN_ID = Pattern.compile("[0-9A-Z]{26}");
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");

    private final RunIndex index;

    public RunListController(RunIndex index) {
        this.index = index;
    }

    @Get(value = "/runs", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> list(
            HttpRequest<?> request,
            @Nullable @QueryValue("status") String status,
            @Nullable @QueryValue("apiKey") String apiKey,
            @Nullable @QueryValue("scheduleId") String scheduleId,
            @Nullable @QueryValue("count") String count,
            @Nullable @QueryValue("before") String before) {
        Caller caller = Caller.of(request);
        RunStatus wanted = status == null ? null : parseStatus(status);
        String key = apiKey == null ? null : require(apiKey, KEY_NAME, "apiKey", "is not an API key name");
        String schedule = scheduleId == null
                ? null
                : require(scheduleId, RUN_ID, "scheduleId", "is not a schedule id (26 characters, ULID)");
        String from =
                before == null ? null : require(before, RUN_ID, "before", "is not a run id (26 characters, ULID)");
        int size = QueryValues.wholeNumber("count", count, DEFAULT_COUNT, 1, MAX_COUNT);
        RunPage page = index.page(
                caller.admin() ? null : caller.tenant(),
                from,
                size,
                run -> caller.mayAccess(run.tenant())
                        && (wanted == null || wanted.name().equals(run.status()))
                        && (key == null || key.equals(run.apiKey()))
                        && (schedule == null || schedule.equals(run.scheduleId())));
        return Json.ok(toJson(page));
    }

    private static ObjectNode toJson(RunPage page) {
        ObjectNode out = Json.object();
        ArrayNode runs = out.putArray("runs");
        for (RunSummary run : page.runs()) {
            ObjectNode n = runs.addObject();
            n.put("runId", run.runId());
            n.put("kind", run.kind());
            n.put("status", run.status());
            n.put("apiKey", run.apiKey());
            n.put("tenant", run.tenant());
            n.put("createdAt", Instant.ofEpochMilli(run.createdAt()).toString());
            if (run.finishedAt() > 0) {
                n.put("finishedAt", Instant.ofEpochMilli(run.finishedAt()).toString());
            }
            n.put("steps", run.steps());
            n.put("maxSteps", run.maxSteps());
            if (run.scheduleId() != null) {
                n.put("scheduleId", run.scheduleId());
            }
            n.put("self", "/v1/runs/" + run.runId());
        }
        if (page.next() != null) {
            out.put("next", page.next());
        }
        return out;
    }

    private static RunStatus parseStatus(String status) {
        return RunStatus.parse(status)
                .orElseThrow(() -> new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        "status",
                        "must be one of " + Arrays.toString(RunStatus.values()) + ", but was '" + status + "'"));
    }

    private static String require(String value, Pattern pattern, String field, String reason) {
        if (!pattern.matcher(value).matches()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", field, reason);
        }
        return value;
    }
}
