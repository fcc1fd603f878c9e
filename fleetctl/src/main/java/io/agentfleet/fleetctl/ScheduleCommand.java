package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
        name = "schedule",
        mixinStandardHelpOptions = true,
        description = "Recurring schedules, through the orchestrator's HTTP API (it validates and owns them): create,"
                + " list, show, pause, resume, trigger, delete.",
        subcommands = {
            ScheduleCommand.Create.class,
            ScheduleCommand.ListSchedules.class,
            ScheduleCommand.Show.class,
            ScheduleCommand.Pause.class,
            ScheduleCommand.Resume.class,
            ScheduleCommand.Trigger.class,
            ScheduleCommand.Delete.class
        })
final class ScheduleCommand implements Callable<Integer> {
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

    /** Prints a schedule (JSON with --json, else its main fields). */
    static void print(CommandSpec spec, JsonNode schedule) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (FleetCtl.root(spec).json()) {
            out.println(FleetCtl.JSON.writeValueAsString(schedule));
        } else {
            out.println(schedule.path("scheduleId").asText() + "  "
                    + schedule.path("status").asText() + "  " + when(schedule) + "  next "
                    + schedule.path("nextRunAt").asText("-"));
        }
        out.flush();
    }

    static String when(JsonNode s) {
        return s.hasNonNull("cron")
                ? "cron '" + s.get("cron").asText() + "' " + s.path("timeZone").asText()
                : "every " + s.path("interval").asText();
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a schedule that starts the workflow (or task) in FILE at each tick; prints its id.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ScheduleCommand parent;

        @ArgGroup(exclusive = true, multiplicity = "1")
        When when;

        static final class When {
            @Option(
                    names = "--cron",
                    paramLabel = "EXPR",
                    description = "5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first")
            String cron;

            @Option(names = "--interval", paramLabel = "DURATION", description = "1s to 365d: 30s, 5m, 1h, PT1H")
            String interval;
        }

        @ArgGroup(exclusive = true, multiplicity = "1")
        Template template;

        static final class Template {
            @Option(
                    names = "--workflow",
                    paramLabel = "FILE",
                    description = "A POST /v1/workflows body (JSON file, - for standard input)")
            String workflow;

            @Option(
                    names = "--task",
                    paramLabel = "FILE",
                    description = "A POST /v1/tasks body (JSON file, - for stdin)")
            String task;
        }

        @Option(names = "--time-zone", paramLabel = "ZONE", description = "IANA zone of --cron (default UTC)")
        String timeZone;

        @Option(names = "--name", paramLabel = "NAME")
        String name;

        @Option(
                names = "--missed",
                paramLabel = "POLICY",
                description = "runOnce (default) or skip: what a tick missed while every orchestrator was down does")
        String missed;

        @Override
        public Integer call() throws IOException {
            ObjectNode body = FleetCtl.JSON.createObjectNode();
            if (name != null) {
                body.put("name", name);
            }
            if (when.cron != null) {
                body.put("cron", when.cron);
            } else {
                body.put("interval", when.interval);
            }
            if (timeZone != null) {
                body.put("timeZone", timeZone);
            }
            if (missed != null) {
                body.put("missedTicks", missed);
            }
            String kind = template.workflow != null ? "workflow" : "task";
            body.set(kind, readJson(template.workflow != null ? template.workflow : template.task));
            print(spec, parent.client().post("v1/schedules", body.toString()));
            return FleetCtl.OK;
        }

        private JsonNode readJson(String file) throws IOException {
            String text;
            try {
                text = file.equals("-")
                        ? new String(FleetCtl.root(spec).in().readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read '" + file + "': " + e);
            }
            try {
                return FleetCtl.JSON.readTree(text);
            } catch (IOException e) {
                throw new IllegalArgumentException("'" + file + "' is not JSON: " + e.getMessage());
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "The tenant's schedules (an operator key: all).")
    static final class ListSchedules implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ScheduleCommand parent;

        @Override
        public Integer call() throws IOException {
            JsonNode list = parent.client().get("v1/schedules");
            PrintWriter out = spec.commandLine().getOut();
            if (FleetCtl.root(spec).json()) {
                out.println(FleetCtl.JSON.writeValueAsString(list));
                out.flush();
                return FleetCtl.OK;
            }
            Table table = new Table("ID", "STATUS", "WHEN", "NEXT", "NAME");
            for (JsonNode s : list.path("schedules")) {
                table.row(
                        s.path("scheduleId").asText(),
                        s.path("status").asText(),
                        when(s),
                        s.path("nextRunAt").asText(null),
                        s.path("name").asText(null));
            }
            table.print(out);
            return FleetCtl.OK;
        }
    }

    /** A subcommand acting on one schedule by id. */
    abstract static class OnSchedule implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @ParentCommand
        ScheduleCommand parent;

        @Parameters(index = "0", paramLabel = "SCHEDULE_ID")
        String id;

        String path(String action) {
            return "v1/schedules/" + id + (action.isEmpty() ? "" : "/" + action);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "A schedule with its recent ticks (JSON).")
    static final class Show extends OnSchedule {
        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            out.println(FleetCtl.JSON.writeValueAsString(parent.client().get(path(""))));
            out.flush();
            return FleetCtl.OK;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pause a schedule.")
    static final class Pause extends OnSchedule {
        @Override
        public Integer call() throws IOException {
            print(spec, parent.client().post(path("pause"), ""));
            return FleetCtl.OK;
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Resume a schedule from its first tick after now.")
    static final class Resume extends OnSchedule {
        @Override
        public Integer call() throws IOException {
            print(spec, parent.client().post(path("resume"), ""));
            return FleetCtl.OK;
        }
    }

    @Command(
            name = "trigger",
            mixinStandardHelpOptions = true,
            description = "Start one run of the schedule now; prints its run id.")
    static final class Trigger extends OnSchedule {
        @Override
        public Integer call() throws IOException {
            JsonNode accepted = parent.client().post(path("trigger"), "");
            PrintWriter out = spec.commandLine().getOut();
            out.println(
                    FleetCtl.root(spec).json()
                            ? FleetCtl.JSON.writeValueAsString(accepted)
                            : accepted.path("runId").asText());
            out.flush();
            return FleetCtl.OK;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete a schedule (the runs it started are kept).")
    static final class Delete extends OnSchedule {
        @Override
        public Integer call() {
            parent.client().delete(path(""));
            PrintWriter out = spec.commandLine().getOut();
            out.println("deleted " + id);
            out.flush();
            return FleetCtl.OK;
        }
    }
}
