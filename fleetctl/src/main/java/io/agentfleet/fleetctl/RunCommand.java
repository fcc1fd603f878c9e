package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetWorkflowClient;
import io.agentfleet.client.RunEvent;
import io.agentfleet.messages.RunStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Workflow runs: show state, follow events.",
        subcommands = {RunCommand.Show.class, RunCommand.Follow.class})
final class RunCommand implements Callable<Integer> {
    static final String STATUS = "status";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetCtl.USAGE;
    }

    static int notFound(CommandSpec spec, String runId) {
        spec.commandLine().getErr().println("fleetctl: no run '" + runId + "'");
        spec.commandLine().getErr().flush();
        return FleetCtl.FAILED;
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Print every field of a run's state hash (exit 1 when the run is unknown).")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        @Override
        public Integer call() throws Exception {
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            try (FleetWorkflowClient client = root.connectWorkflows()) {
                Map<String, String> state = client.runState(runId);
                if (state.isEmpty()) {
                    return notFound(spec, runId);
                }
                if (root.json()) {
                    ObjectNode node = FleetCtl.JSON.createObjectNode().put("runId", runId);
                    new TreeMap<>(state).forEach(node::put);
                    out.println(FleetCtl.JSON.writeValueAsString(node));
                } else {
                    Map<String, String> rest = new TreeMap<>(state);
                    String status = rest.remove(STATUS);
                    int width = rest.keySet().stream()
                            .mapToInt(String::length)
                            .max()
                            .orElse(0);
                    width = Math.max(width, Math.max(STATUS.length(), "run".length()));
                    out.println(pad("run", width) + runId);
                    out.println(pad(STATUS, width) + (status == null ? "-" : status));
                    for (Map.Entry<String, String> field : rest.entrySet()) {
                        out.println(pad(field.getKey(), width) + field.getValue());
                    }
                }
                out.flush();
                return FleetCtl.OK;
            }
        }

        private static String pad(String key, int width) {
            return key + ":" + " ".repeat(width - key.length() + 2);
        }
    }

    @Command(
            name = "follow",
            mixinStandardHelpOptions = true,
            description = "Print a run's events as they arrive until RUN_FINISHED or a terminal status;"
                    + " exit 0 when the run COMPLETED, 1 otherwise.")
    static final class Follow implements Callable<Integer> {
        private static final Duration BLOCK = Duration.ofSeconds(1);

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                converter = Durations.class,
                description = "Give up after this long (default: follow until the run ends)")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            try (FleetWorkflowClient client = root.connectWorkflows()) {
                String last = "0";
                boolean seenAny = false;
                long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
                while (true) {
                    List<RunEvent> events = client.runEvents(runId, last, 100, BLOCK);
                    for (RunEvent event : events) {
                        print(out, event, root.json());
                        last = event.entryId();
                        seenAny = true;
                    }
                    boolean finished = events.stream().anyMatch(RunEvent::isRunFinished);
                    Map<String, String> state = client.runState(runId);
                    if (!seenAny && state.isEmpty()) {
                        return notFound(spec, runId);
                    }
                    String status = state.get(STATUS);
                    if (finished || (events.isEmpty() && RunStatus.isTerminal(status))) {
                        return finish(out, status, root.json());
                    }
                    if (System.nanoTime() - deadline >= 0) {
                        spec.commandLine()
                                .getErr()
                                .println("fleetctl: run '" + runId + "' still " + status + " after " + timeout);
                        spec.commandLine().getErr().flush();
                        return FleetCtl.FAILED;
                    }
                }
            }
        }

        private int finish(PrintWriter out, String status, boolean json) {
            if (!json) {
                out.println("run " + runId + " finished: " + (status == null ? "unknown" : status));
                out.flush();
            }
            return RunStatus.COMPLETED.name().equals(status) ? FleetCtl.OK : FleetCtl.FAILED;
        }

        private static void print(PrintWriter out, RunEvent event, boolean json) {
            if (json) {
                JsonNode data =
                        event.data().isEmpty() ? FleetCtl.JSON.nullNode() : DeadCommand.parsedOrText(event.data());
                ObjectNode line = FleetCtl.JSON
                        .createObjectNode()
                        .put("id", event.entryId())
                        .put("type", event.type());
                line.set("data", data);
                out.println(line.toString());
            } else {
                out.println(event.type() + (event.data().isEmpty() ? "" : " " + event.data()));
            }
            out.flush();
        }
    }
}
