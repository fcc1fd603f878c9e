package io.agentfleet.orchestrator;

import io.micronaut.runtime.Micronaut;

/**
 * Starts the orchestrator: the HTTP API, the result consumers and the deadline and outbox watchers. SIGTERM lets
 * in-flight requests and results finish within {@code FLEET_SHUTDOWN_GRACE} and exits 0 (GracefulStop).
 */
public final class OrchestratorApplication {
    private OrchestratorApplication() {}

    public static void main(String[] args) {
        Micronaut.build(args)
                .mainClass(OrchestratorApplication.class)
                .banner(false)
                .start();
    }
}
