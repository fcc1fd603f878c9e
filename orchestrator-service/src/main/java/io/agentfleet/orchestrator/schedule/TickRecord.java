package io.agentfleet.orchestrator.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;

/**
 * What became of one tick, kept in the schedule's recent history.
 *
 * @param scheduledFor the tick, epoch ms
 * @param outcome what happened
 * @param runId the run started, or null
 * @param reason why no run started (SKIPPED, MISSED), or null
 */
record TickRecord(long scheduledFor, Outcome outcome, String runId, String reason) {
    /** What became of a tick. */
    enum Outcome {
        /** The tick's run was started. */
        STARTED,
        /** A run was started by hand ({@code trigger}). */
        TRIGGERED,
        /** The run was refused (the tenant's runs in flight, backpressure, the template no longer valid). */
        SKIPPED,
        /** Every replica was down when it fell due and the schedule skips missed ticks. */
        MISSED
    }

    TickRecord {
        Objects.requireNonNull(outcome, "outcome");
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("scheduledFor", Instant.ofEpochMilli(scheduledFor).toString());
        n.put("outcome", outcome.name());
        if (runId != null) {
            n.put("runId", runId);
        }
        if (reason != null) {
            n.put("reason", reason);
        }
        return n;
    }

    static TickRecord fromJson(JsonNode n) {
        return new TickRecord(
                Instant.parse(n.get("scheduledFor").asText()).toEpochMilli(),
                Outcome.valueOf(n.get("outcome").asText()),
                n.hasNonNull("runId") ? n.get("runId").asText() : null,
                n.hasNonNull("reason") ? n.get("reason").asText() : null);
    }
}
