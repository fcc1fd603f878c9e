package io.agentfleet.worker.retry;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.ScriptCall;
import io.agentfleet.worker.config.AgentPartition;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Moves retries whose due time has come from a partition's delayed set back to its task stream with PROMOTE. The
 * script is atomic, so every replica may run it: each retry is promoted once.
 */
public final class Promoter {
    static final int BATCH = 256;
    private static final int MAX_ROUNDS = 40;

    private final AgentPartition partition;
    private final FleetRedis redis;
    private final Clock clock;

    public Promoter(AgentPartition partition, FleetRedis redis, Clock clock) {
        this.partition = partition;
        this.redis = redis;
        this.clock = clock;
    }

    /** Promotes every due retry (in batches); returns how many moved. */
    public long promoteDue() throws Exception {
        long moved = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            ScriptCall call = new ScriptCall(
                    FleetScripts.PROMOTE,
                    List.of(partition.delayed(), partition.tasks()),
                    List.of(utf8(Long.toString(clock.millis())), utf8(Integer.toString(BATCH))));
            Long n = redis.<Long>run(call, ScriptOutputType.INTEGER).get(30, TimeUnit.SECONDS);
            moved += n == null ? 0 : n;
            if (n == null || n < BATCH) {
                break;
            }
        }
        return moved;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
