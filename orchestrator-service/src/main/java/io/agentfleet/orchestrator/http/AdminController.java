package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Names;
import io.agentfleet.orchestrator.admin.DeadLetterView;
import io.agentfleet.orchestrator.admin.DeadLetters;
import io.agentfleet.orchestrator.admin.FleetStats;
import io.agentfleet.orchestrator.admin.UsageReport;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
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
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.ArrayList;
import java.util.List;

/** Agent-type status, dead letters and usage. */
@Controller("/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
public class AdminController {
    private final FleetStats stats;
    private final DeadLetters deadLetters;
    private final UsageReport usage;
    private final OrchestratorConfig config;
    private final MessageCodec codec;
    private final AdminJson json;

    public AdminController(
            FleetStats stats,
            DeadLetters deadLetters,
            UsageReport usage,
            OrchestratorConfig config,
            MessageCodec codec) {
        this.stats = stats;
        this.deadLetters = deadLetters;
        this.usage = usage;
        this.config = config;
        this.codec = codec;
        this.json = new AdminJson(codec);
    }

    @Get(value = "/agents", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> agents(@Nullable @QueryValue("scan") String scan) {
        // scan is checked and ignored: the fleet's registry lists every agent type, on every node of a cluster.
        QueryValues.flag("scan", scan, false);
        return Json.ok(json.agents(stats.agents()));
    }

    @Get(value = "/agents/{type}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> agent(@PathVariable String type) {
        return Json.ok(json.agent(stats.agent(agentType(type))));
    }

    /** The caller's tenant's usage; an operator sees the whole fleet's, or one tenant's with {@code ?tenant=}. */
    @Get(value = "/usage", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> usage(HttpRequest<?> request, @Nullable @QueryValue("tenant") String tenant) {
        Caller caller = Caller.of(request);
        if (tenant != null && !caller.admin() && !tenant.equals(caller.tenant())) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    "forbidden",
                    "tenant",
                    "only an operator key may read another tenant's usage");
        }
        if (tenant != null && !Names.isId(tenant)) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "tenant", "is not a valid tenant name");
        }
        return Json.ok(AdminJson.usage(usage.usage(tenant != null ? tenant : scope(caller))));
    }

    @Get(value = "/agents/{type}/dead-letters", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> deadLetters(
            HttpRequest<?> request,
            @PathVariable String type,
            @Nullable @QueryValue("after") String after,
            @Nullable @QueryValue("count") String count) {
        if (after != null && !Requests.isStreamId(after)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "after",
                    "must be a stream entry id such as 1700000000000-0");
        }
        int n = QueryValues.wholeNumber("count", count, 100, 1, 1000);
        return Json.ok(json.deadLetters(deadLetters.deadLetters(agentType(type), after, n, scope(Caller.of(request)))));
    }

    @Get(value = "/agents/{type}/dead-letters/{entryId}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> deadLetter(
            HttpRequest<?> request, @PathVariable String type, @PathVariable String entryId) {
        DeadLetterView letter = deadLetters.deadLetter(agentType(type), entryId(entryId), scope(Caller.of(request)));
        if (letter == null) {
            throw ApiException.notFound("dead letter " + entryId);
        }
        return Json.ok(json.deadLetter(letter));
    }

    @Post(
            value = "/agents/{type}/dead-letters/{entryId}/redrive",
            consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> redriveOne(
            HttpRequest<?> request, @PathVariable String type, @PathVariable String entryId) {
        String agent = agentType(type);
        String tenant = scope(Caller.of(request));
        if (deadLetters.deadLetter(agent, entryId(entryId), tenant) == null) {
            throw ApiException.notFound("dead letter " + entryId);
        }
        return Json.ok(AdminJson.redrive(deadLetters.redrive(agent, List.of(entryId), tenant, null)));
    }

    @Delete(
            value = "/agents/{type}/dead-letters/{entryId}",
            consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> purgeOne(
            HttpRequest<?> request, @PathVariable String type, @PathVariable String entryId) {
        String agent = agentType(type);
        String tenant = scope(Caller.of(request));
        if (deadLetters.deadLetter(agent, entryId(entryId), tenant) == null) {
            throw ApiException.notFound("dead letter " + entryId);
        }
        return Json.ok(AdminJson.purge(deadLetters.purge(agent, List.of(entryId), tenant, null)));
    }

    /** The tenant a caller's views and actions are limited to; null for an operator, who sees every tenant's. */
    private static String scope(Caller caller) {
        return caller.admin() ? null : caller.tenant();
    }

    private static String entryId(String id) {
        if (!Requests.isStreamId(id)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "entryId",
                    "must be a stream entry id such as 1700000000000-0");
        }
        return id;
    }

    @Post(
            value = "/agents/{type}/dead-letters/redrive",
            consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> redrive(
            HttpRequest<?> request, @PathVariable String type, @Nullable @Body String body) {
        String agent = agentType(type);
        Selection selection = selection(body);
        return Json.ok(AdminJson.redrive(
                deadLetters.redrive(agent, selection.ids(), scope(Caller.of(request)), selection.after())));
    }

    @Delete(value = "/agents/{type}/dead-letters", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> purge(HttpRequest<?> request, @PathVariable String type, @Nullable @Body String body) {
        String agent = agentType(type);
        Selection selection = selection(body);
        return Json.ok(AdminJson.purge(
                deadLetters.purge(agent, selection.ids(), scope(Caller.of(request)), selection.after())));
    }

    /**
     * Which dead letters a redrive or purge takes: {@code ids}, or all ({@code ids} null) after {@code after} (null =
     * from the start).
     */
    private record Selection(List<String> ids, String after) {}

    /**
     * {@code {"ids": [...]}} or {@code {"all": true}} (optionally {@code "after"}: the {@code next} of a previous
     * scoped call); an empty body means all.
     */
    private Selection selection(String body) {
        if (body == null || body.isBlank()) {
            return new Selection(null, null);
        }
        ObjectNode req = Requests.body(body, config, codec);
        JsonNode ids = req.get("ids");
        boolean all = req.path("all").asBoolean(false);
        JsonNode after = req.get("after");
        if (ids == null || ids.isNull()) {
            if (!all) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST, "invalid_request", "ids", "give \"ids\": [entry ids] or \"all\": true");
            }
            if (after == null || after.isNull()) {
                return new Selection(null, null);
            }
            if (!after.isTextual() || !Requests.isStreamId(after.asText())) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        "after",
                        "must be a stream entry id such as 1700000000000-0");
            }
            return new Selection(null, after.asText());
        }
        if (all) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "all", "cannot be combined with ids");
        }
        if (after != null) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "after", "only goes with \"all\": true");
        }
        if (!ids.isArray()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "ids", "must be an array of entry ids");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i).asText();
            if (!Requests.isStreamId(id)) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST,
                        "invalid_request",
                        "ids[" + i + "]",
                        "'" + id + "' is not a stream entry id");
            }
            out.add(id);
        }
        return new Selection(out, null);
    }

    private static String agentType(String type) {
        if (!Names.isAgentType(type)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "type",
                    "'" + type + "' is not a valid agent type (expected " + Names.AGENT_TYPE + ")");
        }
        return type;
    }
}
