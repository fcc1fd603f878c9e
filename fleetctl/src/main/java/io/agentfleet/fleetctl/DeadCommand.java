package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetAdminClient;
import io.agentfleet.messages.DeadLetter;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "dead",
        mixinStandardHelpOptions = true,
        description =
                "Dead letters of an agent type: list, show, redrive, purge. A dead letter is named by its entry id"
                        + " on its partition's dead-letter stream: PARTITION/ENTRY_ID (e.g. 2/1700000000000-0), or ENTRY_ID"
                        + " alone for partition 0 (an unpartitioned type) or the one given with --partition.",
        subcommands = {DeadCommand.ListDead.class, DeadCommand.Show.class, DeadRedrive.class, DeadPurge.class})
final class DeadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetCtl.USAGE;
    }

    /** A dead letter's place: its partition and its entry id on that partition's dead-letter stream. */
    record Ref(int partition, String entryId) {
        static Ref parse(String text, int defaultPartition) {
            int slash = text.indexOf('/');
            if (slash < 0) {
                return new Ref(defaultPartition, text);
            }
            try {
                return new Ref(Integer.parseInt(text.substring(0, slash)), text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "'" + text + "' is not PARTITION/ENTRY_ID (e.g. 2/1700000000000-0) or ENTRY_ID");
            }
        }

        @Override
        public String toString() {
            return partition + "/" + entryId;
        }
    }

    static ObjectNode toJson(DeadLetter letter, int partition, boolean withOriginal) {
        ObjectNode node = FleetCtl.JSON
                .createObjectNode()
                .put("entryId", letter.entryId())
                .put("partition", partition)
                .put("agent", letter.agent())
                .put("taskId", letter.taskId())
                .put("tenant", letter.tenant())
                .put("reason", letter.reason().name())
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

        @Option(
                names = "--count",
                defaultValue = "20",
                description = "Most entries to show per partition (default ${DEFAULT-VALUE})")
        int count;

        @Option(names = "--partition", description = "Only this partition (default: every partition)")
        Integer partition;

        @Override
        public Integer call() throws Exception {
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            try (FleetAdminClient client = root.connectAdmin()) {
                List<Integer> partitions = new ArrayList<>();
                if (partition != null) {
                    partitions.add(partition);
                } else {
                    for (int p = 0; p < client.partitions(agent); p++) {
                        partitions.add(p);
                    }
                }
                List<Ref> refs = new ArrayList<>();
                List<DeadLetter> letters = new ArrayList<>();
                for (int p : partitions) {
                    for (DeadLetter letter : client.deadLetters(agent, p, count)) {
                        refs.add(new Ref(p, letter.entryId()));
                        letters.add(letter);
                    }
                }
                if (root.json()) {
                    ArrayNode array = FleetCtl.JSON.createArrayNode();
                    for (int i = 0; i < letters.size(); i++) {
                        array.add(toJson(letters.get(i), refs.get(i).partition(), false));
                    }
                    out.println(FleetCtl.JSON.writeValueAsString(array));
                } else if (letters.isEmpty()) {
                    out.println("no dead letters for agent type '" + agent + "'");
                } else {
                    Table table = new Table("ENTRY", "TASK", "REASON", "ATTEMPTS", "AT", "ERROR");
                    for (int i = 0; i < letters.size(); i++) {
                        DeadLetter l = letters.get(i);
                        table.row(
                                refs.get(i).partition() == 0
                                        ? l.entryId()
                                        : refs.get(i).toString(),
                                l.taskId(),
                                l.reason().name(),
                                l.attempts(),
                                time(l.at()),
                                abbreviate(l.error()));
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

        @Parameters(index = "1", paramLabel = "[PARTITION/]ENTRY_ID")
        String entryId;

        @Option(names = "--partition", defaultValue = "0", description = "Partition of an ENTRY_ID without one")
        int partition;

        @Override
        public Integer call() throws Exception {
            FleetCtl root = FleetCtl.root(spec);
            PrintWriter out = spec.commandLine().getOut();
            Ref ref = Ref.parse(entryId, partition);
            try (FleetAdminClient client = root.connectAdmin()) {
                Optional<DeadLetter> found = client.deadLetter(agent, ref.partition(), ref.entryId());
                if (found.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println("fleetctl: no dead letter " + ref.entryId() + " on "
                                    + client.options().keys().dead(agent, ref.partition()));
                    spec.commandLine().getErr().flush();
                    return FleetCtl.FAILED;
                }
                DeadLetter l = found.get();
                if (root.json()) {
                    out.println(FleetCtl.JSON.writeValueAsString(toJson(l, ref.partition(), true)));
                } else {
                    out.println("entry:    " + l.entryId());
                    out.println("partition: " + ref.partition());
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
}
