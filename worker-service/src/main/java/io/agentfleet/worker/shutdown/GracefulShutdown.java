package io.agentfleet.worker.shutdown;

import io.agentfleet.worker.consume.AgentWorker;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIGTERM sequence: stop taking work, let in-flight tasks finish and be recorded within the grace period (leases
 * stay renewed meanwhile), leave whatever did not finish pending for other workers, and delete this consumer from
 * each group only where nothing is pending for it.
 */
public final class GracefulShutdown {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private GracefulShutdown() {}

    /** Returns true when every in-flight task finished within the grace period. */
    public static boolean drain(List<AgentWorker> workers, Duration grace) {
        long deadline = System.nanoTime() + grace.toNanos();
        int inFlight = workers.stream().mapToInt(AgentWorker::inFlight).sum();
        LOG.info(
                "shutting down: no new tasks; waiting up to {} ms for {} in-flight task(s)",
                grace.toMillis(),
                inFlight);
        workers.forEach(AgentWorker::stopTaking);
        boolean finished = true;
        for (AgentWorker worker : workers) {
            try {
                finished &= worker.awaitFinished(deadline);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
        }
        if (!finished) {
            int left = workers.stream().mapToInt(AgentWorker::inFlight).sum();
            LOG.warn(
                    "shutdown grace of {} ms passed with {} task(s) unfinished; they stay pending and will be reclaimed by other workers",
                    grace.toMillis(),
                    left);
            workers.forEach(AgentWorker::abandon);
        }
        workers.forEach(AgentWorker::stopRenewing);
        workers.forEach(AgentWorker::removeConsumerIfIdle);
        LOG.info("shutdown complete ({})", finished ? "all in-flight tasks finished" : "some tasks left pending");
        return finished;
    }
}
