package io.agentfleet.orchestrator.workflow.store;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.orchestrator.workflow.engine.UsageDelta;
import java.time.Clock;
import java.util.Collection;

/** Token and cost totals per API key, agent type and tenant, and per key and day, added to as runs report usage. */
public final class UsageLedger {
    private final FleetRedis redis;
    private final OrchestratorKeys okeys;
    private final DailyBudgets daily;
    private final Clock clock;

    public UsageLedger(FleetRedis redis, OrchestratorKeys okeys, DailyBudgets daily, Clock clock) {
        this.redis = redis;
        this.okeys = okeys;
        this.daily = daily;
        this.clock = clock;
    }

    public void add(Collection<UsageDelta> usage) {
        daily.add(usage, clock.instant());
        var async = redis.shared().async();
        for (UsageDelta u : usage) {
            for (String owner : new String[] {
                "key|" + u.apiKey(),
                "agent|" + u.agent(),
                "tenant|" + u.tenant(),
                "tk|" + u.tenant() + "|" + u.apiKey(),
                "ta|" + u.tenant() + "|" + u.agent()
            }) {
                async.hincrby(okeys.usage(), owner + "|tokensIn", u.tokensIn());
                async.hincrby(okeys.usage(), owner + "|tokensOut", u.tokensOut());
                async.hincrbyfloat(okeys.usage(), owner + "|cost", u.cost());
            }
        }
    }
}
