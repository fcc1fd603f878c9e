package io.agentfleet.fleetctl;

import io.agentfleet.client.FleetClient;
import io.agentfleet.client.TaskHandle;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        description = "Cancel a scheduled task (submitted with --delay or --run-at) before it is due; exits 1 when it"
                + " was not scheduled any more (already enqueued, cancelled, or unknown).")
final class CancelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "AGENT")
    String agent;

    @Parameters(index = "1", paramLabel = "TASK_ID")
    String taskId;

    @Option(
            names = "--partition",
            paramLabel = "N",
            defaultValue = "0",
            description = "The partition the task was scheduled on, as fleetctl submit printed it (default: 0)")
    int partition;

    @Override
    public Integer call() {
        FleetCtl root = FleetCtl.root(spec);
        PrintWriter out = spec.commandLine().getOut();
        try (FleetClient client = root.connect()) {
            boolean cancelled = client.cancelScheduled(new TaskHandle(agent, taskId, null, partition));
            if (root.json()) {
                out.println(FleetCtl.JSON
                        .createObjectNode()
                        .put("agent", agent)
                        .put("taskId", taskId)
                        .put("cancelled", cancelled));
            } else {
                out.println(cancelled ? "cancelled " + taskId : "task " + taskId + " is not scheduled");
            }
            out.flush();
            return cancelled ? FleetCtl.OK : FleetCtl.FAILED;
        }
    }
}
