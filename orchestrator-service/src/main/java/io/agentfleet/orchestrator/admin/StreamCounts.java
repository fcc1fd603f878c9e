package io.agentfleet.orchestrator.admin;

/**
 * The figures of one partition's streams, or their sum over an agent type's partitions.
 *
 * @param delayed retries waiting for their backoff (the delayed set less its scheduled tasks)
 * @param oldestPendingMs age of the oldest task delivered to a worker and not yet acknowledged (from XPENDING's
 *     smallest entry id, whose ms part is its enqueue time); 0 when nothing is pending. Over partitions: the largest.
 * @param scheduled tasks accepted with a delay or a start time that are not due yet (they wait in the delayed set)
 */
public record StreamCounts(
        long length,
        long delayed,
        long deadLetters,
        long results,
        long lag,
        long pending,
        long oldestPendingMs,
        long scheduled) {
    public static final StreamCounts ZERO = new StreamCounts(0, 0, 0, 0, 0, 0, 0, 0);

    public StreamCounts plus(StreamCounts o) {
        return new StreamCounts(
                length + o.length,
                delayed + o.delayed,
                deadLetters + o.deadLetters,
                results + o.results,
                lag + o.lag,
                pending + o.pending,
                Math.max(oldestPendingMs, o.oldestPendingMs),
                scheduled + o.scheduled);
    }
}
