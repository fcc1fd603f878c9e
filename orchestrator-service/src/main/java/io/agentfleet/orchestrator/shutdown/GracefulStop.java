package io.agentfleet.orchestrator.shutdown;

import io.agentfleet.shutdown.TerminationSignals;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import jakarta.inject.Singleton;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT: the HTTP server stops accepting connections, in-flight requests and the result batches already
 * read finish within {@link ShutdownConfig#grace()}, then the context stops and the process exits 0. This replaces the
 * JVM's default handling, whose shutdown hook would close the open connections at once. {@link TerminationSignals}
 * runs it once and exits (1 when it threw). Armed when the context has started, before Micronaut logs "Startup
 * completed": armed after that line, a SIGTERM sent on seeing it could still meet the JVM's default (exit 143).
 */
@Singleton
public final class GracefulStop implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final ApplicationContext context;

    GracefulStop(ApplicationContext context) {
        this.context = context;
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        TerminationSignals.onTermination("orchestrator-shutdown", () -> stop(context));
    }

    private static void stop(ApplicationContext context) {
        drain(context);
        context.close();
    }

    private static void drain(ApplicationContext context) {
        ShutdownConfig config = context.getBean(ShutdownConfig.class);
        LOG.info("draining in-flight requests and results for up to {}", config.grace());
        try {
            GracefulShutdownCapable.shutdownAll(context.getBeansOfType(GracefulShutdownCapable.class).stream())
                    .toCompletableFuture()
                    .get(config.grace().toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("drained");
        } catch (TimeoutException e) {
            LOG.warn("still busy after the grace of {}: stopping anyway", config.grace());
        } catch (ExecutionException e) {
            LOG.warn("draining failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
