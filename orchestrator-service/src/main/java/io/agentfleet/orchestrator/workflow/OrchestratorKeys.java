package io.agentfleet.orchestrator.workflow;

import io.agentfleet.messages.StreamKeys;

/**
 * Keys the orchestrator adds to the {@link StreamKeys} layout.
 *
 * <pre>
 * prefix:{run:R}:outbox            hash: task messages committed for dispatch, not yet enqueued (wire task id ->
 *                                  A\nJSON, or A:p\nJSON for partition p >= 1 of agent type A)
 * prefix:orchestrator:deadlines    sorted set: run deadlines, task timeouts and reconcile checks of dispatched tasks
 *                                  (run|R, task|R|W, check|R|W), scored by due time
 * prefix:orchestrator:outbox-runs  sorted set: runs whose outbox may need draining by a sweeper, scored by due time
 * prefix:orchestrator:agents       set: agent types that appear in runs (one result consumer each)
 * prefix:orchestrator:usage        hash: tokens and cost per API key and per agent type
 * prefix:orchestrator:rate:NAME    string: request counter of one API key's current rate-limit window
 * prefix:orchestrator:auth-failures:ADDRESS  string: failed authentications of one client address in the current window
 * </pre>
 */
public record OrchestratorKeys(StreamKeys keys) {
    public String outbox(String runId) {
        return keys.prefix() + ":{run:" + runId + "}:outbox";
    }

    public String deadlines() {
        return keys.prefix() + ":orchestrator:deadlines";
    }

    public String outboxRuns() {
        return keys.prefix() + ":orchestrator:outbox-runs";
    }

    public String agents() {
        return keys.prefix() + ":orchestrator:agents";
    }

    public String usage() {
        return keys.prefix() + ":orchestrator:usage";
    }

    public String rate(String keyName) {
        return keys.prefix() + ":orchestrator:rate:" + keyName;
    }

    public String authFailures(String clientAddress) {
        return keys.prefix() + ":orchestrator:auth-failures:" + clientAddress;
    }
}
