package io.agentfleet.worker;

import io.micronaut.runtime.Micronaut;

/**
 * Starts a worker: {@code REDIS_URL}, {@code FLEET_AGENTS} and the per-agent settings in docs/configuration.md. SIGTERM
 * drains in-flight tasks within {@code FLEET_SHUTDOWN_GRACE} and exits 0 (SignalShutdown); a bad configuration exits 1 naming the key.
 */
public final class WorkerApplication {
    private WorkerApplication() {}

    public static void main(String[] args) {
        try {
            Micronaut.build(args)
                    .banner(false)
                    .mainClass(WorkerApplication.class)
                    .start();
        } catch (Throwable e) {
            System.err.println("fleet worker failed to start: " + rootMessage(e));
            e.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
