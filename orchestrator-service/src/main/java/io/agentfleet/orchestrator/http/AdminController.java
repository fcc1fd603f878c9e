package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.Names;
import io.agentfleet.orchestrator.admin.FleetAdmin;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.micronaut.core.annotation.Nullable;
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
    private final FleetAdmin admin;
    private final OrchestratorConfig config;
    private final MessageCodec codec;

    public AdminController(FleetAdmin admin, OrchestratorConfig config, MessageCodec codec) {
        this.admin = admin;
        this.config = config;
        this.codec = codec;
    }

    @Get(value = "/agents", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> agents(@Nullable @QueryValue("scan") Boolean scan) {
        // scan is accepted and ignored: the fleet's registry lists every agent type, on every node of a cluster.
        return Json.ok(admin.agents());
    }

    @Get(value = "/agents/{type}", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> agent(@PathVariable String type) {
        return Json.ok(admin.agent(agentType(type)));
    }

    @Get(value = "/usage", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> usage() {
        return Json.ok(admin.usage());
    }

    @Get(value = "/agents/{type}/dead-letters", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> deadLetters(
            @PathVariable String type,
            @Nullable @QueryValue("after") String after,
            @Nullable @QueryValue("count") Integer count) {
        if (after != null && !Requests.isStreamId(after)) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST,
                    "invalid_request",
                    "after",
                    "must be a stream entry id such as 1700000000000-0");
        }
        int n = count == null ? 100 : count;
        if (n < 1 || n > 1000) {
            throw new ApiException(
                    HttpStatus.BAD_REQUEST, "invalid_request", "count", "must be from 1 to 1000, but was " + n);
        }
        return Json.ok(admin.deadLetters(agentType(type), after, n));
    }

    @Post(
            value = "/agents/{type}/dead-letters/redrive",
            consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> redrive(@PathVariable String type, @Nullable @Body String body) {
        String agent = agentType(type);
        return Json.ok(admin.redrive(agent, selection(body)));
    }

    @Delete(value = "/agents/{type}/dead-letters", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> purge(@PathVariable String type, @Nullable @Body String body) {
        String agent = agentType(type);
        return Json.ok(admin.purge(agent, selection(body)));
    }

    /** {@code {"ids": [...]}} or {@code {"all": true}}; an empty body means all. Null = all. */
    private List<String> selection(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        ObjectNode req = Requests.body(body, config, codec);
        JsonNode ids = req.get("ids");
        boolean all = req.path("all").asBoolean(false);
        if (ids == null || ids.isNull()) {
            if (!all) {
                throw new ApiException(
                        HttpStatus.BAD_REQUEST, "invalid_request", "ids", "give \"ids\": [entry ids] or \"all\": true");
            }
            return null;
        }
        if (all) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", "all", "cannot be combined with ids");
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
        return out;
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
