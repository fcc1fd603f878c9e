package io.agentfleet.orchestrator.schedule;

import java.time.Duration;

/**
 * What to do with a due tick: start its run or not, and the schedule's next tick.
 *
 * @param tick the due tick, epoch ms
 * @param starts whether the tick starts a run
 * @param next the tick after it, epoch ms
 * @param missed whether the tick was missed (more than {@code missedAfter} late)
 */
record TickPlan(long tick, boolean starts, long next, boolean missed) {
    /**
     * A tick at most {@code missedAfter} late starts its run, and the next tick is the one after it (a replica a little
     * behind catches up tick by tick). A later one was missed: {@code policy} decides whether it starts one run, and
     * the next tick is the first one after {@code now}, so a long outage never starts a burst of runs.
     */
    static TickPlan of(Timing timing, MissedTicks policy, long tick, long now, Duration missedAfter) {
        if (now - tick <= missedAfter.toMillis()) {
            return new TickPlan(tick, true, timing.nextAfter(tick), false);
        }
        return new TickPlan(tick, policy == MissedTicks.RUN_ONCE, timing.nextAfter(now), true);
    }
}
