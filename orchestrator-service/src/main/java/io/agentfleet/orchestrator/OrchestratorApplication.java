package io.agentfleet.orchestrator;

import io.micronaut.runtime.Micronaut;

/** Starts the orchestrator: the HTTP API, the result consumers and the deadline and outbox watchers. */
public final class OrchestratorApplication {
    private OrchestratorApplication() {}

    public static void main(String[] args) {
        Micronaut.build(args)
                .mainClass(OrchestratorApplication.class)
                .banner(false)
                .start();
    }
}
