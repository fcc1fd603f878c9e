package io.agentfleet.shutdown;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Handles SIGTERM and SIGINT by running a graceful shutdown once and exiting with 0 (1 when the shutdown threw),
 * instead of the JVM's default (run shutdown hooks, exit 143): a service that drained cleanly has not failed.
 */
public final class TerminationSignals {
    private static final Logger LOG = LoggerFactory.getLogger(TerminationSignals.class);

    private TerminationSignals() {}

    /** On the first SIGTERM or SIGINT, runs {@code shutdown} on a platform thread named {@code threadName}, then exits. */
    public static void onTermination(String threadName, Runnable shutdown) {
        Runnable once = new Runnable() {
            private boolean started;

            @Override
            public synchronized void run() {
                if (started) {
                    return;
                }
                started = true;
                Thread.ofPlatform().name(threadName).start(() -> {
                    int code = 0;
                    try {
                        shutdown.run();
                    } catch (RuntimeException e) {
                        LOG.error("graceful shutdown failed", e);
                        code = 1;
                    }
                    System.exit(code);
                });
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    LOG.info("received SIG{}", signal.getName());
                    once.run();
                });
            } catch (IllegalArgumentException e) {
                LOG.warn("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
    }
}
