package io.agentfleet.orchestrator.workflow.store;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;

/** Each tenant's runs in flight, bounded by its {@code max-runs-in-flight}. */
public final class Admission {
    private final FleetRedis redis;
    private final StreamKeys keys;
    private final OrchestratorKeys okeys;
    private final OrchestratorConfig config;

    public Admission(FleetRedis redis, OrchestratorConfig config) {
        this.redis = redis;
        this.keys = config.keys();
        this.okeys = new OrchestratorKeys(config.keys());
        this.config = config;
    }

    /**
     * Admits a new (not yet committed) run into its tenant's runs in flight. Returns 0 when admitted or the tenant has
     * no limit, else the limit it is at. At the limit, the tenant's set is first pruned of runs that ended or never
     * got created (left by a replica that crashed before removing them), so the count cannot leak.
     */
    public int admit(RunState run) {
        int limit = config.limitsOf(run.tenant()).maxRunsInFlight();
        if (limit == 0) {
            return 0;
        }
        String set = okeys.tenantRuns(run.tenant());
        for (int attempt = 0; attempt < 2; attempt++) {
            Long admitted = redis.runSync(
                    OrchestratorScripts.call(OrchestratorScripts.ADMIT_RUN, set, run.runId(), Integer.toString(limit)),
                    ScriptOutputType.INTEGER);
            if (admitted != null && admitted == 1) {
                return 0;
            }
            if (attempt == 0 && prune(set) == 0) {
                break;
            }
        }
        return limit;
    }

    private long prune(String set) {
        var sync = redis.shared().sync();
        List<String> gone = new ArrayList<>();
        for (String runId : sync.smembers(set)) {
            String status = sync.hget(keys.runState(runId), RunState.F_STATUS);
            if (status == null || RunStatus.valueOf(status).isTerminal()) {
                gone.add(runId);
            }
        }
        return gone.isEmpty() ? 0 : sync.srem(set, gone.toArray(String[]::new));
    }

    /** Removes an ended (or never created) run from its tenant's runs in flight. */
    public void release(RunState run) {
        if (config.limitsOf(run.tenant()).maxRunsInFlight() > 0) {
            redis.shared().sync().srem(okeys.tenantRuns(run.tenant()), run.runId());
        }
    }
}
