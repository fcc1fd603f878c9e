package io.agentfleet.worker.consume;

import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.lease.AutoClaimer;
import io.agentfleet.worker.lease.Claimed;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes over entries that a dead (or stalled) worker stopped renewing: every claim-after/2, XAUTOCLAIM entries idle
 * longer than claim-after, as many as there are free slots, and runs them with their delivery count, so that a task
 * delivered too often is dead-lettered instead of crashing workers forever.
 */
final class Reclaimer {
    private static final int MAX_PER_CALL = 256;
    private static final int MAX_CALLS_PER_RUN = 16;
    static final String START = "0-0";

    private final AgentConfig agent;
    private final AutoClaimer claimer;
    private final InFlight inFlight;
    private final TaskProcessor processor;

    Reclaimer(AgentConfig agent, AutoClaimer claimer, InFlight inFlight, TaskProcessor processor) {
        this.agent = agent;
        this.claimer = claimer;
        this.inFlight = inFlight;
        this.processor = processor;
    }

    /** One scan over the pending entries list; returns how many entries were taken over. */
    int reclaimOnce() throws Exception {
        String cursor = START;
        int taken = 0;
        for (int call = 0; call < MAX_CALLS_PER_RUN; call++) {
            int slots = inFlight.tryAcquireUpTo(Math.min(MAX_PER_CALL, agent.maxInFlight()));
            if (slots == 0) {
                break;
            }
            AutoClaimer.Result result;
            try {
                result = claimer.claim(agent.claimAfter(), cursor, slots, inFlight.snapshot());
            } catch (Exception e) {
                inFlight.release(slots);
                throw e;
            }
            int got = result.claimed().size();
            if (got > slots) {
                inFlight.overdraw(got - slots);
            } else {
                inFlight.release(slots - got);
            }
            if (got > 0) {
                List<Delivery> deliveries = new ArrayList<>(got);
                for (Claimed c : result.claimed()) {
                    deliveries.add(Delivery.reclaimed(c.entryId(), c.message(), c.deliveryCount(), c.trimmed()));
                }
                processor.dispatch(deliveries);
                taken += got;
            }
            cursor = result.nextCursor();
            if (START.equals(cursor)) {
                break;
            }
        }
        return taken;
    }
}
