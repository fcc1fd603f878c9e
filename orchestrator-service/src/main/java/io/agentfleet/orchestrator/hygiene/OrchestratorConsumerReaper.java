package io.agentfleet.orchestrator.hygiene;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.hygiene.ConsumerGroup;
import io.agentfleet.lettuce.hygiene.ConsumerReaper;
import io.agentfleet.lettuce.hygiene.GroupCensus;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.admin.FleetStats;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.telemetry.ConsumerGauges;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.value.PropertyResolver;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link ReaperConfig#interval()}, for every partition of every agent type the fleet knows (as the stream gauges
 * do, so types whose workers are all gone are covered too): records this replica's heartbeat in the
 * {@code orchestrators} group of the result stream, removes ghost consumers of that group and of the task stream's
 * {@code workers} group (see {@link ConsumerReaper}), and exports the count of consumers and live consumers of both
 * ({@link ConsumerGauges}). Every replica runs it; each pass over a group is one atomic script.
 */
@Context
public class OrchestratorConsumerReaper {
    private static final Logger LOG = LoggerFactory.getLogger(OrchestratorConsumerReaper.class);

    private final FleetStats admin;
    private final OrchestratorConfig orchestrator;
    private final ReaperConfig config;
    private final ConsumerReaper reaper;
    private final ConsumerGauges gauges;
    private final Thread thread;
    private volatile boolean running = true;

    public OrchestratorConsumerReaper(
            FleetStats admin,
            OrchestratorConfig orchestrator,
            FleetRedis redis,
            MeterRegistry registry,
            PropertyResolver props) {
        this.admin = admin;
        this.orchestrator = orchestrator;
        this.config = ReaperConfig.read(props, orchestrator);
        this.reaper = new ConsumerReaper(redis, config.idleThreshold());
        this.gauges = new ConsumerGauges(registry);
        this.thread = Thread.ofVirtual().name("orchestrator-consumer-reaper").start(this::loop);
        LOG.info(
                "consumer reaper {}: every {}, heartbeat and remove consumers of groups orchestrators and workers"
                        + " unseen for {} with nothing pending",
                config.enabled() ? "on" : "off (heartbeat and count only)",
                config.interval(),
                config.idleThreshold());
    }

    private void loop() {
        boolean first = true;
        int failures = 0;
        while (running) {
            failures = passOnce() ? 0 : failures + 1;
            if (failures > 0 && (failures == 1 || failures % 20 == 0)) {
                LOG.warn("consumer reaper: a pass failed ({} in a row); retried every {}", failures, config.interval());
            }
            long pause = first
                    ? ThreadLocalRandom.current().nextLong(config.interval().toMillis() + 1)
                    : config.interval().toMillis();
            first = false;
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One pass over every group; false when some group (or the list of agent types) could not be read. */
    boolean passOnce() {
        List<ConsumerGroup> groups;
        try {
            groups = groups();
        } catch (RuntimeException e) {
            LOG.debug("consumer reaper: listing agent types failed: {}", e.toString());
            return false;
        }
        boolean ok = true;
        for (ConsumerGroup group : groups) {
            try {
                record(reaper.pass(group, heartbeatFor(group), config.enabled()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                ok = false;
                gauges.unknown(group.agent(), group.partition(), group.group());
                LOG.debug("consumer reaper: counting {} failed: {}", group.stream(), e.toString());
            }
        }
        return ok;
    }

    private String heartbeatFor(ConsumerGroup group) {
        return group.group().equals(StreamKeys.ORCHESTRATORS_GROUP)
                ? orchestrator.intake().consumerName()
                : null;
    }

    private void record(GroupCensus census) {
        ConsumerGroup group = census.group();
        gauges.record(
                group.agent(), group.partition(), group.group(), census.consumers(), census.live(), census.reaped());
        if (census.reaped() > 0) {
            LOG.info(
                    "consumer reaper: removed {} ghost consumer(s) from {} group {} ({} left, {} live)",
                    census.reaped(),
                    group.stream(),
                    group.group(),
                    census.consumers(),
                    census.live());
        }
    }

    private List<ConsumerGroup> groups() {
        List<ConsumerGroup> groups = new ArrayList<>();
        for (Map.Entry<String, Integer> agent :
                admin.partitions(admin.agentTypes()).entrySet()) {
            for (int p = 0; p < Math.max(1, agent.getValue()); p++) {
                groups.add(ConsumerGroup.orchestrators(orchestrator.keys(), agent.getKey(), p));
                for (Priority level : Priority.values()) {
                    groups.add(ConsumerGroup.workers(orchestrator.keys(), agent.getKey(), p, level));
                }
            }
        }
        return groups;
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
