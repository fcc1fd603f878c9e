package io.agentfleet.orchestrator.fleethistory;

import io.agentfleet.orchestrator.admin.AgentStatus;
import io.agentfleet.orchestrator.admin.FleetStats;
import io.agentfleet.orchestrator.admin.StreamCounts;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every agent type's stream counts every {@link #INTERVAL} and keeps the last {@link #KEPT} samples (ten
 * minutes) in memory. Each replica keeps its own: a replica that just started has a short history, which is all the
 * sparklines need.
 */
@Context
public class FleetHistory {
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final int KEPT = 120;
    private static final Logger LOG = LoggerFactory.getLogger(FleetHistory.class);

    private final FleetStats admin;
    private final Clock clock;
    private final Map<String, Deque<FleetSample>> samples = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public FleetHistory(FleetStats admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("orchestrator-fleet-history").start(this::loop);
    }

    /** Each agent type's samples, oldest first. */
    public synchronized Map<String, List<FleetSample>> samples() {
        Map<String, List<FleetSample>> out = new LinkedHashMap<>();
        samples.forEach((agent, list) -> out.put(agent, new ArrayList<>(list)));
        return out;
    }

    private void loop() {
        while (running) {
            try {
                record(admin.agents());
            } catch (RuntimeException e) {
                LOG.debug("fleet history sample failed: {}", e.toString());
            }
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void record(List<AgentStatus> agents) {
        long now = clock.millis();
        for (AgentStatus agent : agents) {
            StreamCounts c = agent.counts();
            Deque<FleetSample> list = samples.computeIfAbsent(agent.agent(), a -> new ArrayDeque<>());
            list.addLast(
                    new FleetSample(now, c.results(), c.deadLetters(), c.lag(), c.pending(), c.length(), c.delayed()));
            while (list.size() > KEPT) {
                list.removeFirst();
            }
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
