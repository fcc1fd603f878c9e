package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
        name = "blackboard",
        mixinStandardHelpOptions = true,
        description = "A run's blackboard, through the orchestrator's HTTP API: show its sections, list its history"
                + " (one agent's contributions with --agent), roll back one agent's or one task's writes.",
        subcommands = {BlackboardCommand.Show.class, BlackboardCommand.History.class, BlackboardCommand.Rollback.class})
final class BlackboardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiOptions apiOptions;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return FleetCtl.USAGE;
    }

    OrchestratorApi client() {
        return apiOptions.client();
    }

    /** A subcommand acting on one run's blackboard. */
    abstract static class OnRun implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        BlackboardCommand parent;

        @Parameters(index = "0", paramLabel = "RUN_ID")
        String runId;

        String path(String rest) {
            return "v1/runs/" + runId + "/blackboard" + rest;
        }

        boolean json() {
            return FleetCtl.root(spec).json();
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Each section's version, writer and value.")
    static final class Show extends OnRun {
        @Override
        public Integer call() throws IOException {
            JsonNode board = parent.client().get(path(""));
            PrintWriter out = spec.commandLine().getOut();
            if (json()) {
                out.println(FleetCtl.JSON.writeValueAsString(board));
            } else {
                Table table = new Table("SECTION", "VERSION", "AGENT", "TASK", "VALUE");
                board.path("sections")
                        .fields()
                        .forEachRemaining(e -> table.row(
                                e.getKey(),
                                e.getValue().path("version").asText(),
                                e.getValue().path("agent").asText(null),
                                e.getValue().path("taskId").asText(null),
                                e.getValue().path("value").toString()));
                table.print(out);
            }
            out.flush();
            return FleetCtl.OK;
        }
    }

    @Command(
            name = "history",
            mixinStandardHelpOptions = true,
            description = "The append-only history, oldest first: writes, conflicts and rollbacks.")
    static final class History extends OnRun {
        @Option(names = "--agent", paramLabel = "TYPE", description = "Only this agent type's entries")
        String agent;

        @Option(names = "--task", paramLabel = "TASK_ID", description = "Only this task's entries")
        String task;

        @Option(names = "--after", paramLabel = "SEQ", description = "Entries after this seq (a page's next)")
        Integer after;

        @Option(names = "--limit", paramLabel = "N", description = "At most N entries (1 to 500, default 100)")
        Integer limit;

        @Override
        public Integer call() throws IOException {
            List<String> query = new ArrayList<>();
            add(query, "agent", agent);
            add(query, "task", task);
            add(query, "after", after == null ? null : after.toString());
            add(query, "limit", limit == null ? null : limit.toString());
            JsonNode page =
                    parent.client().get(path("/history" + (query.isEmpty() ? "" : "?" + String.join("&", query))));
            PrintWriter out = spec.commandLine().getOut();
            if (json()) {
                out.println(FleetCtl.JSON.writeValueAsString(page));
            } else {
                Table table = new Table("SEQ", "TYPE", "SECTION", "AGENT", "TASK", "ATTEMPT", "VERSION", "AT");
                page.path("entries")
                        .forEach(e -> table.row(
                                e.path("seq").asText(),
                                e.path("type").asText(),
                                e.path("section").asText(),
                                e.path("agent").asText(null),
                                e.path("taskId").asText(null),
                                e.path("attempt").asText(),
                                e.path("oldVersion").asText() + "->"
                                        + e.path("newVersion").asText(),
                                e.path("at").asText()));
                table.print(out);
                if (page.hasNonNull("next")) {
                    out.println("more: --after " + page.get("next").asText());
                }
            }
            out.flush();
            return FleetCtl.OK;
        }

        private static void add(List<String> query, String name, String value) {
            if (value != null) {
                query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    @Command(
            name = "rollback",
            mixinStandardHelpOptions = true,
            description = "Roll back one agent type's or one task's writes: each section it wrote gets the latest value"
                    + " written by anyone else (or its initial value), as a new version.")
    static final class Rollback extends OnRun {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--agent", paramLabel = "TYPE", description = "The agent type whose writes to undo")
            String agent;

            @Option(names = "--task", paramLabel = "TASK_ID", description = "The task whose writes to undo")
            String task;
        }

        @Override
        public Integer call() throws IOException {
            var body = FleetCtl.JSON.createObjectNode();
            if (target.agent != null) {
                body.put("agent", target.agent);
            } else {
                body.put("taskId", target.task);
            }
            JsonNode result = parent.client().post(path("/rollback"), body.toString());
            PrintWriter out = spec.commandLine().getOut();
            if (json()) {
                out.println(FleetCtl.JSON.writeValueAsString(result));
            } else if (result.path("rolledBack").isEmpty()) {
                out.println("nothing to roll back");
            } else {
                result.path("rolledBack")
                        .forEach(e ->
                                out.println("rolled back " + e.path("section").asText() + ": version "
                                        + e.path("oldVersion").asText() + " -> "
                                        + e.path("newVersion").asText()));
            }
            out.flush();
            return FleetCtl.OK;
        }
    }
}
