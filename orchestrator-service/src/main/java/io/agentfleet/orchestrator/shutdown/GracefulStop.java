package io.agentfleet.orchestrator.shutdown;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.graceful.GracefulShutdownCapable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT: the HTTP server stops accepting connections, in-flight requests and the result batches already
 * read finish within {@link ShutdownConfig#grace()}, then the context stops and the process exits 0. This replaces the
 * JVM's default handling, whose shutdown hook would close the open connections at once.
 */
public final class GracefulStop {
    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private GracefulStop() {}

    public static void onTermination(ApplicationContext context) {
        Runnable once = new Runnable() {
            private boolean started;

            @Override
            public synchronized void run() {
                if (!started) {
                    started = true;
                    Thread.ofPlatform().name("orchestrator-shutdown").start(() -> stop(context));
                }
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

    private static void stop(ApplicationContext context) {
        int code = 0;
        try {
            drain(context);
            context.close();
        } catch (RuntimeException e) {
            LOG.error("graceful shutdown failed", e);
            code = 1;
        }
        System.exit(code);
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
