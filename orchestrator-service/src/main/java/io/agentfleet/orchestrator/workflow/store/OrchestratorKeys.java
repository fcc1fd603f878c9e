package io.agentfleet.orchestrator.workflow.store;

import io.agentfleet.messages.StreamKeys;
import java.time.LocalDate;

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
 * prefix:orchestrator:usage        hash: tokens and cost per API key, agent type and tenant (key|K|f, agent|A|f,
 *                                  tenant|T|f, and per tenant tk|T|K|f, ta|T|A|f)
 * prefix:orchestrator:daily:DAY    hash: tokens and cost per API key with a daily budget in UTC day DAY (yyyy-mm-dd),
 *                                  K|tokens, K|cost; expires two days after it is last written
 * prefix:orchestrator:rate:NAME    string: request counter of one API key's current rate-limit window
 * prefix:orchestrator:auth-failures:ADDRESS  string: failed authentications of one client address in the current window
 * prefix:orchestrator:tenant-rate:T  string: request counter of one tenant's current rate-limit window
 * prefix:{tenant:T}:runs           set: ids of tenant T's runs in flight (kept for tenants with max-runs-in-flight;
 *                                  a run leaves it when it ends, and finished runs left by a crash are pruned)
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

    public String daily(LocalDate day) {
        return keys.prefix() + ":orchestrator:daily:" + day;
    }

    public String rate(String keyName) {
        return keys.prefix() + ":orchestrator:rate:" + keyName;
    }

    public String authFailures(String clientAddress) {
        return keys.prefix() + ":orchestrator:auth-failures:" + clientAddress;
    }

    public String tenantRate(String tenant) {
        return keys.prefix() + ":orchestrator:tenant-rate:" + tenant;
    }

    public String tenantRuns(String tenant) {
        return keys.prefix() + ":{tenant:" + tenant + "}:runs";
    }
}
