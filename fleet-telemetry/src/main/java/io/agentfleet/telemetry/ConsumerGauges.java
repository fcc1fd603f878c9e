package io.agentfleet.telemetry;

import io.agentfleet.messages.StreamKeys;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The consumers of each consumer group, as the consumer reaper last counted them, exported at {@code /prometheus} as
 * {@code fleet_consumers{agent,partition,group}} (consumers in the group, ghosts not yet reaped included),
 * {@code fleet_consumers_live{agent,partition,group}} (consumers idle below the reaper's threshold: the running workers
 * or orchestrators) and the counter {@code fleet_consumers_reaped_total{agent,partition,group}} (ghost consumers this
 * process removed). {@code group} is {@code workers} (task streams) or {@code orchestrators} (result streams). A gauge
 * is NaN until counted and after a failed count. Several replicas report the same groups: aggregate with
 * {@code max by (agent, partition, group)} first, then {@code sum by (agent, group)}.
 */
public final class ConsumerGauges {
    private final MeterRegistry registry;
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();

    public ConsumerGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The latest count of one group; NaN means unknown. */
    public static final class Sample {
        volatile double consumers = Double.NaN;
        volatile double live = Double.NaN;
        private final Counter reaped;

        private Sample(Counter reaped) {
            this.reaped = reaped;
        }

        public double consumers() {
            return consumers;
        }

        public double live() {
            return live;
        }
    }

    /** Records one count of a group, and the consumers removed from it in that pass. */
    public void record(String agent, int partition, String group, int consumers, int live, int reaped) {
        Sample s = of(agent, partition, group);
        s.consumers = consumers;
        s.live = live;
        if (reaped > 0) {
            s.reaped.increment(reaped);
        }
    }

    /** Marks a group's count unknown (the count failed). */
    public void unknown(String agent, int partition, String group) {
        Sample s = of(agent, partition, group);
        s.consumers = Double.NaN;
        s.live = Double.NaN;
    }

    /** The gauges of one group, registered on first use. */
    public Sample of(String agent, int partition, String group) {
        return samples.computeIfAbsent(
                StreamKeys.tag(agent, partition) + "|" + group, k -> register(agent, partition, group));
    }

    private Sample register(String agent, int partition, String group) {
        String p = Integer.toString(partition);
        Sample s = new Sample(Counter.builder("fleet.consumers.reaped")
                .description("Ghost consumers removed from the group: nothing pending, idle past the threshold")
                .tag("agent", agent)
                .tag("partition", p)
                .tag("group", group)
                .register(registry));
        Gauge.builder("fleet.consumers", s, Sample::consumers)
                .description("Consumers in the group (XINFO CONSUMERS), ghosts not yet reaped included")
                .tag("agent", agent)
                .tag("partition", p)
                .tag("group", group)
                .register(registry);
        Gauge.builder("fleet.consumers.live", s, Sample::live)
                .description("Consumers of the group idle below the reaper's threshold: the running ones")
                .tag("agent", agent)
                .tag("partition", p)
                .tag("group", group)
                .register(registry);
        return s;
    }
}
