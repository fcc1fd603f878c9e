package io.agentfleet.orchestrator.workflow.store;

import io.agentfleet.lettuce.FleetRedis;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The agent types runs dispatch to, shared by the replicas so each reads their result streams. */
public final class AgentsInUse {
    private final FleetRedis redis;
    private final OrchestratorKeys okeys;
    private final Set<String> noted = ConcurrentHashMap.newKeySet();

    public AgentsInUse(FleetRedis redis, OrchestratorKeys okeys) {
        this.redis = redis;
        this.okeys = okeys;
    }

    /** Records agent types in use (once per type and process; replicas read the set to start their consumers). */
    public void note(Collection<String> agents) {
        String[] fresh = agents.stream().filter(noted::add).toArray(String[]::new);
        if (fresh.length > 0) {
            redis.shared().async().sadd(okeys.agents(), fresh);
        }
    }

    public List<String> all() {
        return List.copyOf(redis.shared().sync().smembers(okeys.agents()));
    }
}
