package io.agentfleet.fleetctl;

import io.agentfleet.client.FleetAdminClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "redrive",
        mixinStandardHelpOptions = true,
        description =
                "Put dead letters back on the task stream as fresh tasks (attempt 1). Exit 1 if some were not found.")
final class DeadRedrive implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Parameters(
            index = "1..*",
            paramLabel = "[PARTITION/]ENTRY_ID",
            arity = "0..*",
            description = "Dead letters, each PARTITION/ENTRY_ID or an ENTRY_ID of --partition")
    List<String> entryIds = new ArrayList<>();

    @Option(names = "--all", description = "Redrive every dead letter of the agent type (of --partition if given)")
    boolean all;

    @Option(names = "--partition", description = "Partition of ENTRY_IDs without one (default 0); with --all, only it")
    Integer partition;

    @Override
    public Integer call() throws Exception {
        if (all == !entryIds.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "give either --all or one or more ENTRY_IDs");
        }
        FleetCtl root = FleetCtl.root(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (FleetAdminClient client = root.connectAdmin()) {
            int redriven = all
                    ? (partition == null ? client.redriveAll(agent) : client.redriveAll(agent, partition))
                    : redrive(client);
            int requested = all ? redriven : entryIds.size();
            if (root.json()) {
                out.println(FleetCtl.JSON.writeValueAsString(FleetCtl.JSON
                        .createObjectNode()
                        .put("agent", agent)
                        .put("redriven", redriven)
                        .put("requested", requested)));
            } else {
                out.println("redriven " + redriven + (all ? "" : " of " + requested) + " dead letters of agent type '"
                        + agent + "'");
            }
            out.flush();
            if (redriven < requested) {
                spec.commandLine()
                        .getErr()
                        .println("fleetctl: " + (requested - redriven)
                                + " not redriven (not found, already redriven, or undecodable)");
                spec.commandLine().getErr().flush();
                return FleetCtl.FAILED;
            }
            return FleetCtl.OK;
        }
    }

    private int redrive(FleetAdminClient client) {
        Map<Integer, List<String>> byPartition = new TreeMap<>();
        for (String text : entryIds) {
            DeadCommand.Ref ref = DeadCommand.Ref.parse(text, partition == null ? 0 : partition);
            byPartition.computeIfAbsent(ref.partition(), p -> new ArrayList<>()).add(ref.entryId());
        }
        int redriven = 0;
        for (Map.Entry<Integer, List<String>> entry : byPartition.entrySet()) {
            redriven += client.redrive(agent, entry.getKey(), entry.getValue());
        }
        return redriven;
    }
}
