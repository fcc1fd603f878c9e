package io.agentfleet.orchestrator.workflow.schedule;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.lettuce.core.ScriptOutputType;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadline watcher (run deadlines, task timeouts, and reconcile checks of dispatched tasks against their done keys)
 * and the outbox sweeper. Both claim due members of a shared sorted set with a lease
 * (CLAIM_DUE), so any number of replicas can run them; a member is removed only after it was handled.
 */
@Context
public class Watchers {
    private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int BATCH = 100;

    private final FleetRedis redis;
    private final RunService runs;
    private final OrchestratorKeys keys;
    private final OrchestratorConfig config;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;

    public Watchers(FleetRedis redis, RunService runs, OrchestratorConfig config, Clock clock) {
        this.redis = redis;
        this.runs = runs;
        this.keys = new OrchestratorKeys(config.keys());
        this.config = config;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("orchestrator-watchers").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                sweepDeadlines();
                sweepOutboxes();
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("watcher pass failed: {}", e.toString());
                }
            }
            try {
                Thread.sleep(config.schedule().watchInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void sweepDeadlines() {
        long lease = clock.millis() + LEASE.toMillis();
        for (String member : claim(keys.deadlines(), lease)) {
            DeadlineMember deadline = DeadlineMember.parse(member);
            if (deadline != null && deadline.kind() == DeadlineMember.Kind.RECONCILE) {
                runs.reconcile(deadline);
            } else if (deadline != null) {
                runs.onDeadline(deadline);
            }
            release(keys.deadlines(), member, lease);
        }
    }

    void sweepOutboxes() {
        long lease = clock.millis() + LEASE.toMillis();
        for (String runId : claim(keys.outboxRuns(), lease)) {
            if (runs.drainLeftovers(runId)) {
                LOG.info("run {}: drained dispatches left in its outbox", runId);
            }
            release(keys.outboxRuns(), runId, lease);
        }
    }

    private List<String> claim(String key, long lease) {
        return redis.runSync(
                OrchestratorScripts.call(
                        OrchestratorScripts.CLAIM_DUE,
                        key,
                        Long.toString(clock.millis()),
                        Integer.toString(BATCH),
                        Long.toString(lease)),
                ScriptOutputType.MULTI);
    }

    private void release(String key, String member, long lease) {
        redis.runSync(
                OrchestratorScripts.call(OrchestratorScripts.REMOVE_IF_SCORED, key, member, Long.toString(lease)),
                ScriptOutputType.INTEGER);
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
