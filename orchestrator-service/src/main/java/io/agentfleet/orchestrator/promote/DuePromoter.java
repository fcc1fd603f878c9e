package io.agentfleet.orchestrator.promote;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.FleetScripts;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.admin.FleetStats;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.lettuce.core.ScriptOutputType;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes due entries of the delayed sets (scheduled tasks, retries) of every partition of every agent type the
 * fleet knows, with the same atomic PROMOTE the workers run, so a scheduled task becomes due on its stream even when
 * no worker of its type runs (scaled to zero: the lag trigger then wakes one). Any number of replicas and workers may
 * promote at once: each entry moves once.
 */
@Context
public class DuePromoter {
    private static final Logger LOG = LoggerFactory.getLogger(DuePromoter.class);
    /** Entries per call, as the workers' promoter. */
    static final int BATCH = 1_000;

    private final FleetStats fleet;
    private final FleetRedis redis;
    private final StreamKeys keys;
    private final Duration interval;
    private final Thread thread;
    private volatile boolean running = true;

    public DuePromoter(FleetStats fleet, FleetRedis redis, OrchestratorConfig config) {
        this.fleet = fleet;
        this.redis = redis;
        this.keys = config.keys();
        this.interval = config.schedule().promoteInterval();
        this.thread = Thread.ofVirtual().name("orchestrator-promoter").start(this::loop);
    }

    private void loop() {
        int failures = 0;
        while (running) {
            try {
                promoteAll();
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                if (running && (failures == 1 || failures % 20 == 0)) {
                    LOG.warn("promoting due tasks failed ({} time(s) in a row): {}", failures, e.toString());
                }
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void promoteAll() {
        for (Map.Entry<String, Integer> type :
                fleet.partitions(fleet.agentTypes()).entrySet()) {
            for (int p = 0; p < type.getValue(); p++) {
                promote(type.getKey(), p);
            }
        }
    }

    /** Promotes every due entry of one partition, a batch per call while the batches come back full. */
    private void promote(String agent, int partition) {
        Long moved;
        do {
            moved = redis.runSync(FleetScripts.promote(keys, agent, partition, BATCH), ScriptOutputType.INTEGER);
        } while (running && moved != null && moved == BATCH);
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
