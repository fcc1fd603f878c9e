package io.agentfleet.orchestrator.admin;

/** The figures of one partition's streams, or their sum over an agent type's partitions. */
public record StreamCounts(long length, long delayed, long deadLetters, long results, long lag, long pending) {
    public static final StreamCounts ZERO = new StreamCounts(0, 0, 0, 0, 0, 0);

    public StreamCounts plus(StreamCounts o) {
        return new StreamCounts(
                length + o.length,
                delayed + o.delayed,
                deadLetters + o.deadLetters,
                results + o.results,
                lag + o.lag,
                pending + o.pending);
    }
}
