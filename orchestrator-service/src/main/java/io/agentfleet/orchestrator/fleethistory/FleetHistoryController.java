package io.agentfleet.orchestrator.fleethistory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.orchestrator.http.Json;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /v1/fleet/history}: each agent type's samples of the last minutes, oldest first. Like {@code /v1/agents}
 * these are fleet-wide counts, the same for every key.
 */
@Controller("/v1")
public class FleetHistoryController {
    private final FleetHistory history;

    public FleetHistoryController(FleetHistory history) {
        this.history = history;
    }

    @Get(value = "/fleet/history", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<String> history() {
        ObjectNode out = Json.object();
        out.put("intervalMs", FleetHistory.INTERVAL.toMillis());
        ObjectNode agents = out.putObject("agents");
        history.samples().forEach((agent, samples) -> {
            ArrayNode list = agents.putArray(agent);
            for (FleetSample s : samples) {
                ObjectNode n = list.addObject();
                n.put("at", s.at());
                n.put("results", s.results());
                n.put("deadLetters", s.deadLetters());
                n.put("lag", s.lag());
                n.put("pending", s.pending());
                n.put("length", s.length());
                n.put("delayed", s.delayed());
            }
        });
        return Json.ok(out);
    }
}
