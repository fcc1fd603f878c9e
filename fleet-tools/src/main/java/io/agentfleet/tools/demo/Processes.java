package io.agentfleet.tools.demo;

import io.agentfleet.testsupport.JavaProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The processes the demo started; stopped gracefully (SIGTERM, then kill) on every way out, Ctrl-C included. */
final class Processes implements AutoCloseable {
    private final List<JavaProcess> started = new ArrayList<>();

    synchronized JavaProcess add(JavaProcess process) {
        started.add(process);
        return process;
    }

    @Override
    public synchronized void close() {
        for (JavaProcess process : started) {
            if (process.isAlive()) {
                process.sigterm();
            }
        }
        for (JavaProcess process : started) {
            try {
                if (process.isAlive()) {
                    process.waitFor(Duration.ofSeconds(15));
                }
            } catch (AssertionError e) {
                // Did not stop within the grace period: close() below kills it.
            }
            process.close();
        }
        started.clear();
    }
}
