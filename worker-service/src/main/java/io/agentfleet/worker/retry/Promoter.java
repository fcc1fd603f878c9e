package io.agentfleet.worker.retry;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.worker.config.AgentPartition;
import io.lettuce.core.ScriptOutputType;
import java.util.concurrent.TimeUnit;

/**
 * Moves due entries of a partition's delayed set (retries past their backoff, scheduled tasks past their due time)
 * to the task stream of their priority with PROMOTE. The script is atomic, so every replica may run it, and one killed
 * mid-way loses or duplicates nothing: each entry is promoted once.
 */
public final class Promoter {
    /** Entries per call: large enough that 10,000 due at once move in a few calls, small enough that each stays short. */
    static final int BATCH = 1_000;

    private static final int MAX_ROUNDS = 100;

    private final AgentPartition partition;
    private final FleetRedis redis;

    public Promoter(AgentPartition partition, FleetRedis redis) {
        this.partition = partition;
        this.redis = redis;
    }

    /** Promotes every due entry (in batches, while a batch comes back full); returns how many moved. */
    public long promoteDue() throws Exception {
        ScriptCall call = FleetScripts.promote(partition.keys(), partition.agentType(), partition.index(), BATCH);
        long moved = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Long n = redis.<Long>run(call, ScriptOutputType.INTEGER).get(30, TimeUnit.SECONDS);
            moved += n == null ? 0 : n;
            if (n == null || n < BATCH) {
                break;
            }
        }
        return moved;
    }
}
