package io.agentfleet.worker.hygiene;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.hygiene.ConsumerGroup;
import io.agentfleet.lettuce.hygiene.ConsumerReaper;
import io.agentfleet.lettuce.hygiene.GroupCensus;
import io.agentfleet.messages.Priority;
import io.agentfleet.telemetry.ConsumerGauges;
import io.agentfleet.worker.FleetWorker;
import io.agentfleet.worker.config.ConfigBinder;
import io.agentfleet.worker.consume.AgentWorker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link ReaperConfig#interval()}, for the {@code workers} group of every partition this process serves (see
 * {@link ConsumerReaper}): records this worker's heartbeat, removes ghost consumers (unless reaping is off) and exports
 * the count of consumers and live consumers ({@link ConsumerGauges}). Every worker replica runs it; each pass over a
 * group is one atomic script, so replicas do not get in each other's way. The first pass comes at once (the heartbeat
 * counts this worker live from the start), later ones after a random part of the first interval, so replicas started
 * together do not all pass at once.
 */
@Context
public class WorkerConsumerReaper {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerConsumerReaper.class);

    private final FleetWorker fleet;
    private final ReaperConfig config;
    private final ConsumerReaper reaper;
    private final ConsumerGauges gauges;
    private final Thread thread;
    private volatile boolean running = true;

    public WorkerConsumerReaper(FleetWorker fleet, FleetRedis redis, MeterRegistry registry, Environment environment) {
        this.fleet = fleet;
        this.config = ReaperConfig.bind(
                ConfigBinder.withEnvFallback(key -> environment.getProperty(key, String.class), System::getenv),
                fleet.config());
        this.reaper = new ConsumerReaper(redis, config.idleThreshold());
        this.gauges = new ConsumerGauges(registry);
        this.thread = Thread.ofVirtual().name("fleet-consumer-reaper").start(this::loop);
        LOG.info(
                "consumer reaper {}: every {}, heartbeat and remove consumers of group workers unseen for {} with nothing"
                        + " pending",
                config.enabled() ? "on" : "off (heartbeat and count only)",
                config.interval(),
                config.idleThreshold());
    }

    private void loop() {
        passOnce();
        if (!sleep(ThreadLocalRandom.current().nextLong(config.interval().toMillis() + 1))) {
            return;
        }
        int failures = 0;
        while (running && !fleet.isShutDown()) {
            failures = passOnce() ? 0 : failures + 1;
            if (failures > 0 && (failures == 1 || failures % 20 == 0)) {
                LOG.warn("consumer reaper: a pass failed ({} in a row); retried every {}", failures, config.interval());
            }
            if (!sleep(config.interval().toMillis())) {
                return;
            }
        }
    }

    /** One pass over every served group; false when some group could not be counted. */
    boolean passOnce() {
        boolean ok = true;
        for (ConsumerGroup group : groups()) {
            try {
                GroupCensus census = reaper.pass(group, fleet.config().consumerName(), config.enabled());
                gauges.record(
                        group.agent(),
                        group.partition(),
                        group.group(),
                        census.consumers(),
                        census.live(),
                        census.reaped());
                if (census.reaped() > 0) {
                    LOG.info(
                            "consumer reaper: removed {} ghost consumer(s) from {} group {} ({} left, {} live)",
                            census.reaped(),
                            group.stream(),
                            group.group(),
                            census.consumers(),
                            census.live());
                }
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

    private List<ConsumerGroup> groups() {
        List<ConsumerGroup> groups = new ArrayList<>();
        for (AgentWorker agent : fleet.agents()) {
            for (int p = 0; p < Math.max(1, agent.partitionCount()); p++) {
                for (Priority level : Priority.values()) {
                    groups.add(ConsumerGroup.workers(fleet.config().keys(), agent.agentType(), p, level));
                }
            }
        }
        return groups;
    }

    private boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return running;
        } catch (InterruptedException e) {
            return false;
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
