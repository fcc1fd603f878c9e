package io.agentfleet.worker;

import io.agentfleet.shutdown.TerminationSignals;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;

/**
 * Starts a worker: {@code REDIS_URL}, {@code FLEET_AGENTS} and the per-agent settings in docs/configuration.md. SIGTERM
 * drains in-flight tasks within {@code FLEET_SHUTDOWN_GRACE} and exits 0; a bad configuration exits 1 naming the key.
 */
public final class WorkerApplication {
    private WorkerApplication() {}

    public static void main(String[] args) {
        ApplicationContext context;
        try {
            context = Micronaut.build(args)
                    .banner(false)
                    .mainClass(WorkerApplication.class)
                    .start();
        } catch (Throwable e) {
            System.err.println("fleet worker failed to start: " + rootMessage(e));
            e.printStackTrace(System.err);
            System.exit(1);
            return;
        }
        FleetWorker worker = context.getBean(FleetWorker.class);
        TerminationSignals.onTermination("fleet-shutdown", () -> {
            worker.shutdown();
            context.close();
        });
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
