package io.agentfleet.worker.shutdown;

import io.agentfleet.shutdown.TerminationSignals;
import io.agentfleet.worker.FleetWorker;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import jakarta.inject.Singleton;

/**
 * SIGTERM and SIGINT drain the worker ({@link FleetWorker#shutdown()}), close the context and exit 0. Armed when the
 * context has started, before Micronaut logs "Startup completed": armed after that line, a SIGTERM sent on seeing it
 * could still meet the JVM's default handling (shutdown hooks, exit 143).
 */
@Singleton
final class SignalShutdown implements ApplicationEventListener<StartupEvent> {
    private final FleetWorker worker;
    private final ApplicationContext context;

    SignalShutdown(FleetWorker worker, ApplicationContext context) {
        this.worker = worker;
        this.context = context;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        TerminationSignals.onTermination("fleet-shutdown", () -> {
            worker.shutdown();
            context.close();
        });
    }
}
