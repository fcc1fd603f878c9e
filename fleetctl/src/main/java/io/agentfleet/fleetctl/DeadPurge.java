package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetAdminClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "purge",
        mixinStandardHelpOptions = true,
        description = "Delete every dead letter of an agent type (every partition), or only a tenant's.")
final class DeadPurge implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Option(
            names = {"--yes", "-y"},
            description = "Do not ask for confirmation")
    boolean yes;

    @Option(
            names = "--tenant",
            paramLabel = "TENANT",
            description = "Delete only this tenant's dead letters (each partition in one atomic step)")
    String tenant;

    @Override
    public Integer call() throws Exception {
        FleetCtl root = FleetCtl.root(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (FleetAdminClient client = root.connectAdmin()) {
            if (!yes && !confirmed(root, client)) {
                spec.commandLine()
                        .getErr()
                        .println("fleetctl: aborted, nothing purged (use --yes to skip the question)");
                spec.commandLine().getErr().flush();
                return FleetCtl.FAILED;
            }
            long purged = tenant == null ? client.purgeDeadLetters(agent) : client.purgeDeadLetters(agent, tenant);
            if (root.json()) {
                ObjectNode report = FleetCtl.JSON.createObjectNode().put("agent", agent);
                if (tenant != null) {
                    report.put("tenant", tenant);
                }
                out.println(FleetCtl.JSON.writeValueAsString(report.put("purged", purged)));
            } else {
                out.println("purged " + purged + " dead letters of agent type '" + agent + "'"
                        + (tenant == null ? "" : " of tenant '" + tenant + "'"));
            }
            out.flush();
            return FleetCtl.OK;
        }
    }

    private boolean confirmed(FleetCtl root, FleetAdminClient client) throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        if (tenant == null) {
            long count = client.agentStats(agent).dead();
            err.print("Delete " + count + " dead letters of agent type '" + agent + "'? [y/N] ");
        } else {
            err.print("Delete tenant '" + tenant + "''s dead letters of agent type '" + agent + "'? [y/N] ");
        }
        err.flush();
        String answer = new BufferedReader(new InputStreamReader(root.in(), StandardCharsets.UTF_8)).readLine();
        return answer != null
                && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }
}
