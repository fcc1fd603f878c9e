package io.agentfleet.orchestrator.schedule;

/**
 * What a replica does with a tick that is more than {@code fleet.schedules.missed-after} late (every replica was down
 * when it fell due): the schedule then moves on to its first tick after now either way.
 */
public enum MissedTicks {
    /** Start one run for the missed ticks (the oldest one's), however many were missed. */
    RUN_ONCE("runOnce"),
    /** Start nothing for them; the history records the skipped tick. */
    SKIP("skip");

    final String wire;

    MissedTicks(String wire) {
        this.wire = wire;
    }

    /** The policy named {@code wire}, or null. */
    static MissedTicks of(String wire) {
        for (MissedTicks m : values()) {
            if (m.wire.equals(wire)) {
                return m;
            }
        }
        return null;
    }
}
