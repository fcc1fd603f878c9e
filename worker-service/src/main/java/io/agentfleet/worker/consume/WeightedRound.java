package io.agentfleet.worker.consume;

import io.agentfleet.messages.Priority;

/**
 * Plans which level each free slot goes to: smooth weighted round-robin (as nginx balances upstreams) over the
 * {@link Priority} weights, so every {@value Priority#ROUND} consecutive slots hold exactly 6 HIGH, 3 NORMAL and 1 LOW
 * turns, interleaved (H N H L H N H H N H ...), and the position carries over from one read to the next: a worker
 * reading one slot at a time still serves LOW every tenth slot. Not thread-safe: one per consumer loop.
 */
final class WeightedRound {
    private static final Priority[] LEVELS = Priority.values();

    private final int[] current = new int[LEVELS.length];

    /** The planned slots per level (indexed by {@link Priority#ordinal()}) for the next {@code slots} turns. */
    int[] plan(int slots) {
        int[] counts = new int[LEVELS.length];
        // A whole round leaves the state where it was, so only the remainder needs stepping.
        int rounds = slots / Priority.ROUND;
        for (Priority level : LEVELS) {
            counts[level.ordinal()] = rounds * level.weight();
        }
        for (int turn = 0; turn < slots % Priority.ROUND; turn++) {
            counts[next()]++;
        }
        return counts;
    }

    private int next() {
        int best = 0;
        for (int i = 0; i < LEVELS.length; i++) {
            current[i] += LEVELS[i].weight();
            if (current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= Priority.ROUND;
        return best;
    }
}
