package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.AgentStats;
import io.agentfleet.client.ConsumerStats;
import io.agentfleet.client.FleetAdminClient;
import io.agentfleet.client.PartitionStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description =
                "Queue status per agent type (from the fleet's registry of agent types): length, lag, pending, oldest"
                        + " pending age, consumers, live consumers, delayed (retries), scheduled (delayed or timed tasks not"
                        + " due yet), dead; a partitioned type shows its totals, then"
                        + " each partition as AGENT/PARTITION.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(
            paramLabel = "AGENT",
            arity = "0..*",
            description = "Agent types to show (default: every registered one)")
    List<String> agents = new ArrayList<>();

    @Option(
            names = "--live-within",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = Durations.class,
            description = "A consumer seen (a read, a claim or its worker's heartbeat) within this is live; match the"
                    + " workers' fleet.consumer-reaper.idle-threshold (default: ${DEFAULT-VALUE})")
    Duration liveWithin;

    @Override
    public Integer call() throws Exception {
        FleetCtl root = FleetCtl.root(spec);
        PrintWriter out = spec.commandLine().getOut();
        Duration threshold = liveWithin;
        try (FleetAdminClient client = root.connectAdmin()) {
            List<String> shown = agents.isEmpty() ? List.copyOf(client.agentTypes()) : agents;
            List<AgentStats> stats = shown.stream().map(client::agentStats).toList();
            if (root.json()) {
                out.println(FleetCtl.JSON.writeValueAsString(toJson(stats, threshold)));
            } else if (stats.isEmpty()) {
                out.println("no agent types under prefix '"
                        + client.options().keys().prefix() + "'");
            } else {
                table(stats, threshold).print(out);
            }
            out.flush();
            return FleetCtl.OK;
        }
    }

    private static long live(List<ConsumerStats> consumers, Duration threshold) {
        return consumers.stream().filter(c -> c.isLive(threshold)).count();
    }

    private static Table table(List<AgentStats> stats, Duration threshold) {
        Table table = new Table(
                "AGENT",
                "LENGTH",
                "LAG",
                "PENDING",
                "OLDEST PENDING",
                "CONSUMERS",
                "LIVE",
                "DELAYED",
                "SCHEDULED",
                "DEAD");
        for (AgentStats s : stats) {
            table.row(
                    s.agent(),
                    s.length(),
                    s.lag(),
                    s.pending(),
                    Durations.format(s.oldestPendingAge()),
                    s.consumers().size(),
                    live(s.consumers(), threshold),
                    s.delayed(),
                    s.scheduled(),
                    s.dead());
            for (PartitionStats p : s.partitions()) {
                table.row(
                        s.agent() + "/" + p.partition(),
                        p.length(),
                        p.lag(),
                        p.pending(),
                        Durations.format(p.oldestPendingAge()),
                        p.consumers().size(),
                        live(p.consumers(), threshold),
                        p.delayed(),
                        p.scheduled(),
                        p.dead());
            }
        }
        return table;
    }

    private static ArrayNode toJson(List<AgentStats> stats, Duration threshold) {
        ArrayNode array = FleetCtl.JSON.createArrayNode();
        for (AgentStats s : stats) {
            ObjectNode node = array.addObject();
            node.put("agent", s.agent());
            node.put("length", s.length());
            if (s.lag() == null) {
                node.putNull("lag");
            } else {
                node.put("lag", s.lag());
            }
            node.put("pending", s.pending());
            if (s.oldestPendingAge() == null) {
                node.putNull("oldestPendingAgeMs");
            } else {
                node.put("oldestPendingAgeMs", s.oldestPendingAge().toMillis());
            }
            ArrayNode consumers = node.putArray("consumers");
            for (ConsumerStats c : s.consumers()) {
                consumers
                        .addObject()
                        .put("name", c.name())
                        .put("pending", c.pending())
                        .put("idleMs", c.idle().toMillis())
                        .put("sinceSeenMs", c.sinceSeen().toMillis())
                        .put("live", c.isLive(threshold));
            }
            node.put("live", live(s.consumers(), threshold));
            node.put("delayed", s.delayed());
            node.put("scheduled", s.scheduled());
            node.put("dead", s.dead());
            ArrayNode partitions = node.putArray("partitions");
            for (PartitionStats p : s.partitions()) {
                ObjectNode partition = partitions.addObject();
                partition.put("partition", p.partition());
                partition.put("length", p.length());
                if (p.lag() == null) {
                    partition.putNull("lag");
                } else {
                    partition.put("lag", p.lag());
                }
                partition.put("pending", p.pending());
                partition.put("consumers", p.consumers().size());
                partition.put("live", live(p.consumers(), threshold));
                partition.put("delayed", p.delayed());
                partition.put("scheduled", p.scheduled());
                partition.put("dead", p.dead());
            }
        }
        return array;
    }
}
