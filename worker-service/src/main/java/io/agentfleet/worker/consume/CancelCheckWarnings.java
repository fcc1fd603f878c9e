package io.agentfleet.worker.consume;

import io.agentfleet.lettuce.RedisErrors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warns that a run's cancel flag could not be read (and its task runs anyway), at most once per interval per
 * process: during an outage every task would otherwise log the same line.
 */
public final class CancelCheckWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(CancelCheckWarnings.class);
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressed = new AtomicLong();

    void couldNotCheck(String agentType, String runId, Throwable error) {
        long now = System.nanoTime();
        long next = nextWarnNanos.get();
        if (now - next < 0 || !nextWarnNanos.compareAndSet(next, now + INTERVAL.toNanos())) {
            suppressed.incrementAndGet();
            return;
        }
        long others = suppressed.getAndSet(0);
        LOG.warn(
                "agent {}: could not check whether run {} was cancelled, running its task (fails open){}: {}",
                agentType,
                runId,
                others == 0 ? "" : "; " + others + " more such task(s) since the last warning",
                RedisErrors.messageOf(error));
    }
}
