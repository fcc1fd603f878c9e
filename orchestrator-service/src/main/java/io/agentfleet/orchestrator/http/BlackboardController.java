package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Names;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardEvent;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardHistoryFull;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardLimits;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardService;
import io.agentfleet.orchestrator.workflow.blackboard.BlackboardSpecs;
import io.agentfleet.orchestrator.workflow.engine.Blackboard;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/** A run's blackboard: its sections, their history (filtered by agent or task) and rollback. */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class BlackboardController {
    private static final Pattern RUN_ID = Pattern.compile("[0-9A-Z]{26}");
    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 500;

    private final RunService runs;
    private final BlackboardService blackboard;
    private final OrchestratorConfig config;
    private final MessageCodec codec;

    public BlackboardController(
            RunService runs, BlackboardService blackboard, OrchestratorConfig config, MessageCodec codec) {
        this.runs = runs;
        this.blackboard = blackboard;
        this.config = config;
        this.codec = codec;
    }

    @Get(value = "/runs/{id}/blackboard", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> sections(HttpRequest<?> request, @PathVariable String id) {
        RunState run = load(id, Caller.of(request));
        ObjectNode out = Json.object();
        out.put("runId", id);
        ObjectNode sections = out.putObject("sections");
        long bytes = 0;
        for (var e : Blackboard.sections(run).entrySet()) {
            Blackboard.Section s = e.getValue();
            ObjectNode n = sections.putObject(e.getKey());
            n.put("version", s.version());
            n.set("value", s.value());
            n.put("agent", s.agent());
            n.put("taskId", s.taskId());
            n.put("updatedAt", Instant.ofEpochMilli(s.at()).toString());
            bytes += BlackboardSpecs.bytes(s.value());
        }
        out.put("bytes", bytes);
        out.put("historyEntries", Blackboard.lastSeq(run));
        return Json.ok(out);
    }

    @Get(value = "/runs/{id}/blackboard/history", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> history(
            HttpRequest<?> request,
            @PathVariable String id,
            @Nullable @QueryValue("agent") String agent,
            @Nullable @QueryValue("task") String task,
            @Nullable @QueryValue("after") String after,
            @Nullable @QueryValue("limit") String limit) {
        load(id, Caller.of(request));
        requireAgent("agent", agent);
        requireTask("task", task);
        int from = QueryValues.wholeNumber("after", after, 0, 0, BlackboardLimits.MAX_HISTORY);
        int size = QueryValues.wholeNumber("limit", limit, DEFAULT_PAGE, 1, MAX_PAGE);
        List<BlackboardEvent> matching = blackboard.history(id).stream()
                .filter(e -> e.entry().seq() > from)
                .filter(e -> agent == null || agent.equals(e.entry().agent()))
                .filter(e -> task == null || task.equals(e.entry().taskId()))
                .toList();
        ObjectNode out = Json.object();
        out.put("runId", id);
        ArrayNode entries = out.putArray("entries");
        matching.stream().limit(size).forEach(e -> entries.add(entry(e)));
        if (matching.size() > size) {
            out.put("next", matching.get(size - 1).entry().seq());
        } else {
            out.putNull("next");
        }
        return Json.ok(out);
    }

    @Post(value = "/runs/{id}/blackboard/rollback", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> rollback(HttpRequest<?> request, @PathVariable String id, @Nullable @Body String body) {
        load(id, Caller.of(request));
        ObjectNode req = body == null || body.isBlank() ? Json.object() : Requests.body(body, config, codec);
        for (var it = req.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!field.equals("agent") && !field.equals("taskId")) {
                throw invalid(field, "unknown field (expected agent or taskId)");
            }
        }
        String agent = text(req, "agent");
        String taskId = text(req, "taskId");
        if ((agent == null) == (taskId == null)) {
            throw invalid(agent == null ? "agent" : "taskId", "give exactly one of agent and taskId");
        }
        requireAgent("agent", agent);
        requireTask("taskId", taskId);
        List<BlackboardEntry> added;
        try {
            added = blackboard.rollback(id, agent, taskId);
        } catch (BlackboardHistoryFull e) {
            throw new ApiException(HttpStatus.CONFLICT, "conflict", "history", e.getMessage());
        }
        if (added == null) {
            throw ApiException.notFound("run " + id);
        }
        ObjectNode out = Json.object();
        out.put("runId", id);
        ArrayNode rolledBack = out.putArray("rolledBack");
        added.forEach(e -> rolledBack.add(entryFields(Json.object(), e)));
        return Json.ok(out);
    }

    private static ObjectNode entry(BlackboardEvent event) {
        ObjectNode n = Json.object();
        n.put("type", event.type().name());
        n.put("at", event.at());
        return entryFields(n, event.entry());
    }

    private static ObjectNode entryFields(ObjectNode n, BlackboardEntry e) {
        n.put("seq", e.seq());
        n.put("section", e.section());
        n.put("agent", e.agent());
        n.put("worker", e.worker());
        n.put("taskId", e.taskId());
        n.put("attempt", e.attempt());
        n.put("oldVersion", e.oldVersion());
        n.put("newVersion", e.newVersion());
        n.set("value", e.value());
        ArrayNode reverted = n.putArray("reverted");
        e.reverted().forEach(reverted::add);
        return n;
    }

    private static String text(ObjectNode req, String field) {
        JsonNode v = req.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field, "must be a string");
        }
        return v.asText();
    }

    private static void requireAgent(String field, String agent) {
        if (agent != null && !Names.isAgentType(agent)) {
            throw invalid(
                    field,
                    "'" + ApiException.bounded(agent) + "' is not a valid agent type (expected " + Names.AGENT_TYPE
                            + ")");
        }
    }

    private static void requireTask(String field, String task) {
        if (task != null && !SpecParser.TASK_ID.matcher(task).matches()) {
            throw invalid(
                    field,
                    "'" + ApiException.bounded(task) + "' is not a valid task id (expected " + SpecParser.TASK_ID
                            + ")");
        }
    }

    private static ApiException invalid(String field, String reason) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", field, reason);
    }

    /** The run, or 404 when there is none or it belongs to another tenant (the same answer, so ids cannot be probed). */
    private RunState load(String id, Caller caller) {
        if (!RUN_ID.matcher(id).matches()) {
            throw invalid(
                    "id",
                    "'" + (id.length() > 40 ? id.substring(0, 40) + "..." : id)
                            + "' is not a run id (26 characters, ULID)");
        }
        RunState run = runs.get(id);
        if (run == null || !caller.mayAccess(run.tenant())) {
            throw ApiException.notFound("run " + id);
        }
        return run;
    }
}
