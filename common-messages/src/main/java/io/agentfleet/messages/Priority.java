package io.agentfleet.messages;

import java.util.Locale;

/**
 * How urgently a task should run. Three levels, because producers coming from job queues ask for exactly "urgent",
 * "normal" and "background", and every level costs a stream per partition and a slice of every read: more levels
 * would add keys and reads without giving producers a distinction they use.
 *
 * <p>Each level has its own task stream ({@link StreamKeys#tasks(String, int, Priority)}); NORMAL is the stream that
 * existed before priorities, so a message without the field, an old producer and a raw {@code XADD} keep working.
 * Workers serve free slots in a weighted round of {@link #weight()} turns (6 HIGH, 3 NORMAL, 1 LOW out of 10); a turn
 * whose level has nothing waiting passes to the highest level that has, so while LOW has a backlog it gets at least
 * one slot in ten. On the wire the level is lower-case: {@code "high"}, {@code "normal"}, {@code "low"}.
 */
public enum Priority {
    HIGH(6),
    NORMAL(3),
    LOW(1);

    private final int weight;

    Priority(int weight) {
        this.weight = weight;
    }

    /** This level's turns in every round of {@link #ROUND} turns while every level has work. */
    public int weight() {
        return weight;
    }

    /** The turns of one weighted round: the sum of the weights. */
    public static final int ROUND = 10;

    /** The wire form: {@code high}, {@code normal} or {@code low}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads the wire form (null means NORMAL).
     *
     * @throws InvalidMessageException naming {@code field} for any other value
     */
    public static Priority fromWire(String field, String value) {
        if (value == null) {
            return NORMAL;
        }
        Priority level = ofWire(value);
        if (level != null) {
            return level;
        }
        throw new InvalidMessageException(field, "'" + Names.abbreviate(value) + "' is not one of high, normal, low");
    }

    /** The level named {@code value} on the wire, or null when it names none. */
    static Priority ofWire(String value) {
        for (Priority p : values()) {
            if (p.wire().equals(value)) {
                return p;
            }
        }
        return null;
    }

    /** This level's task stream key suffix: none for NORMAL (the original stream), {@code :high}, {@code :low}. */
    String streamSuffix() {
        return this == NORMAL ? "" : ":" + wire();
    }
}
