package io.agentfleet.worker.retry;

import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.worker.redis.ScriptRunner;
import io.lettuce.core.ScriptOutputType;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * Moves retries whose due time has come from {@code prefix:{A}:delayed} back to the task stream with PROMOTE. The
 * script is atomic, so every replica may run it: each retry is promoted once.
 */
public final class Promoter {
    static final int BATCH = 256;
    private static final int MAX_ROUNDS = 40;

    private final String agentType;
    private final StreamKeys keys;
    private final ScriptRunner scripts;
    private final Clock clock;

    public Promoter(String agentType, StreamKeys keys, ScriptRunner scripts, Clock clock) {
        this.agentType = agentType;
        this.keys = keys;
        this.scripts = scripts;
        this.clock = clock;
    }

    /** Promotes every due retry (in batches); returns how many moved. */
    public long promoteDue() throws Exception {
        long moved = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Long n = scripts.<Long>run(
                            FleetScripts.PROMOTE,
                            ScriptOutputType.INTEGER,
                            new String[] {keys.delayed(agentType), keys.tasks(agentType)},
                            Long.toString(clock.millis()),
                            Integer.toString(BATCH))
                    .get(30, TimeUnit.SECONDS);
            moved += n == null ? 0 : n;
            if (n == null || n < BATCH) {
                break;
            }
        }
        return moved;
    }
}
