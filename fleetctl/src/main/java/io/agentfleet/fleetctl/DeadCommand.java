package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.messages.DeadLetter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "dead",
        mixinStandardHelpOptions = true,
        description = "Dead letters of an agent type: list, show, redrive, purge.",
        subcommands = {
            DeadCommand.ListDead.class,
            DeadCommand.Show.class,
            DeadCommand.Redrive.class,
            DeadCommand.Purge.class
        })
final class DeadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetCtl.USAGE;
    }

    static ObjectNode toJson(DeadLetter letter, boolean withOriginal) {
        ObjectNode node = FleetCtl.JSON
                .createObjectNode()
                .put("entryId", letter.entryId())
                .put("agent", letter.agent())
                .put("taskId", letter.taskId())
                .put("reason", letter.reason())
                .put("attempts", letter.attempts())
                .put("error", letter.error())
                .put("worker", letter.worker())
                .put("at", letter.at());
        if (withOriginal) {
            node.set("original", parsedOrText(letter.original()));
        }
        return node;
    }

    static JsonNode parsedOrText(String text) {
        try {
            return FleetCtl.JSON.readTree(text);
        } catch (IOException e) {
            return FleetCtl.JSON.getNodeFactory().textNode(text);
        }
    }

    private static String time(long epochMillis) {
        return epochMillis <= 0 ? "-" : Instant.ofEpochMilli(epochMillis).toString();
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List the oldest dead letters of an agent type.")
    static final class ListDead implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "AGENT")
        String agent;

        @Option(names = "--count", defaultValue = "20", description = "Most entries to show (default ${DEFAULT-VALUE})")
        int count;

        @Override
        public Integer call() throws Exception {
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            try (FleetClient client = root.connect()) {
                List<DeadLetter> letters = client.deadLetters(agent, count);
                if (root.json()) {
                    ArrayNode array = FleetCtl.JSON.createArrayNode();
                    letters.forEach(l -> array.add(toJson(l, false)));
                    out.println(FleetCtl.JSON.writeValueAsString(array));
                } else if (letters.isEmpty()) {
                    out.println("no dead letters for agent type '" + agent + "'");
                } else {
                    Table table = new Table("ENTRY", "TASK", "REASON", "ATTEMPTS", "AT", "ERROR");
                    for (DeadLetter l : letters) {
                        table.row(
                                l.entryId(), l.taskId(), l.reason(), l.attempts(), time(l.at()), abbreviate(l.error()));
                    }
                    table.print(out);
                }
                out.flush();
                return FleetCtl.OK;
            }
        }

        private static String abbreviate(String text) {
            String line = text.replace('\n', ' ');
            return line.length() <= 80 ? line : line.substring(0, 77) + "...";
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show one dead letter with its original message.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "AGENT")
        String agent;

        @Parameters(index = "1", paramLabel = "ENTRY_ID")
        String entryId;

        @Override
        public Integer call() throws Exception {
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            try (FleetClient client = root.connect()) {
                Optional<DeadLetter> found = client.deadLetter(agent, entryId);
                if (found.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println("fleetctl: no dead letter " + entryId + " on "
                                    + client.keys().dead(agent));
                    spec.commandLine().getErr().flush();
                    return FleetCtl.FAILED;
                }
                DeadLetter l = found.get();
                if (root.json()) {
                    out.println(FleetCtl.JSON.writeValueAsString(toJson(l, true)));
                } else {
                    out.println("entry:    " + l.entryId());
                    out.println("agent:    " + l.agent());
                    out.println("task:     " + l.taskId());
                    out.println("reason:   " + l.reason());
                    out.println("attempts: " + l.attempts());
                    out.println("at:       " + time(l.at()));
                    out.println("worker:   " + l.worker());
                    out.println("error:    " + l.error());
                    out.println("original:");
                    out.println(FleetCtl.JSON.writeValueAsString(parsedOrText(l.original())));
                }
                out.flush();
                return FleetCtl.OK;
            }
        }
    }

    @Command(
            name = "redrive",
            mixinStandardHelpOptions = true,
            description =
                    "Put dead letters back on the task stream as fresh tasks (attempt 1). Exit 1 if some were not found.")
    static final class Redrive implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "AGENT")
        String agent;

        @Parameters(index = "1..*", paramLabel = "ENTRY_ID", arity = "0..*", description = "Dead-letter entry ids")
        List<String> entryIds = new ArrayList<>();

        @Option(names = "--all", description = "Redrive every dead letter of the agent type")
        boolean all;

        @Override
        public Integer call() throws Exception {
            if (all == !entryIds.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "give either --all or one or more ENTRY_IDs");
            }
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            try (FleetClient client = root.connect()) {
                int redriven = all ? client.redriveAll(agent) : client.redrive(agent, entryIds);
                int requested = all ? redriven : entryIds.size();
                if (root.json()) {
                    out.println(FleetCtl.JSON.writeValueAsString(FleetCtl.JSON
                            .createObjectNode()
                            .put("agent", agent)
                            .put("redriven", redriven)
                            .put("requested", requested)));
                } else {
                    out.println("redriven " + redriven + (all ? "" : " of " + requested)
                            + " dead letters of agent type '" + agent + "'");
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
    }

    @Command(
            name = "purge",
            mixinStandardHelpOptions = true,
            description = "Delete every dead letter of an agent type.")
    static final class Purge implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "AGENT")
        String agent;

        @Option(
                names = {"--yes", "-y"},
                description = "Do not ask for confirmation")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            try (FleetClient client = root.connect()) {
                if (!yes && !confirmed(root, client)) {
                    spec.commandLine()
                            .getErr()
                            .println("fleetctl: aborted, nothing purged (use --yes to skip the question)");
                    spec.commandLine().getErr().flush();
                    return FleetCtl.FAILED;
                }
                long purged = client.purgeDeadLetters(agent);
                if (root.json()) {
                    out.println(FleetCtl.JSON.writeValueAsString(
                            FleetCtl.JSON.createObjectNode().put("agent", agent).put("purged", purged)));
                } else {
                    out.println("purged " + purged + " dead letters of agent type '" + agent + "'");
                }
                out.flush();
                return FleetCtl.OK;
            }
        }

        private boolean confirmed(FleetCtl root, FleetClient client) throws IOException {
            long count = client.agentStats(agent).dead();
            PrintWriter err = spec.commandLine().getErr();
            err.print("Delete " + count + " dead letters of agent type '" + agent + "'? [y/N] ");
            err.flush();
            String answer = new BufferedReader(new InputStreamReader(root.in(), StandardCharsets.UTF_8)).readLine();
            return answer != null
                    && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
        }
    }
}
