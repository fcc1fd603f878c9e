package io.agentfleet.orchestrator.telemetry;

import io.agentfleet.orchestrator.admin.FleetStats;
import io.agentfleet.telemetry.StreamGauges;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the stream gauges ({@code fleet_stream_length|lag|pending}, {@code fleet_delayed}, {@code fleet_scheduled},
 * {@code fleet_dead_letters_stored}) of every partition of every agent type the fleet knows (its registry, runs,
 * configuration), tagged {@code agent} and {@code partition}, every 5 seconds, so they are exported even for agent types whose workers are all down.
 */
@Context
public class StreamGaugeSampler {
    private static final Logger LOG = LoggerFactory.getLogger(StreamGaugeSampler.class);
    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final FleetStats admin;
    private final StreamGauges gauges;
    private final Thread thread;
    private volatile boolean running = true;

    public StreamGaugeSampler(FleetStats admin, StreamGauges gauges) {
        this.admin = admin;
        this.gauges = gauges;
        this.thread = Thread.ofVirtual().name("orchestrator-stream-gauges").start(this::loop);
    }

    private void loop() {
        int failures = 0;
        while (running) {
            try {
                gauges.sample(admin.partitions(admin.agentTypes()));
                failures = 0;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures++;
                if (running && (failures == 1 || failures % 20 == 0)) {
                    LOG.warn("sampling stream gauges failed ({} time(s) in a row): {}", failures, e.toString());
                }
            }
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
