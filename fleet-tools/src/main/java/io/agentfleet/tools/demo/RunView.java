package io.agentfleet.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Renders a run's events as they arrive — a line per task state change and a progress bar — and its summary. */
final class RunView {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean plain;
    private final long startNanos = System.nanoTime();
    private final Set<String> tasks = new LinkedHashSet<>();
    private final Set<String> finished = new LinkedHashSet<>();
    private final Map<String, Long> dispatchedAt = new HashMap<>();
    private String lastBar = "";

    RunView(PrintStream out, boolean plain) {
        this.out = out;
        this.plain = plain;
    }

    void onEvent(SseClient.Event event) {
        JsonNode data = parse(event.data());
        String task = data.path("taskId").asText("");
        String agent = data.path("agent").asText("");
        String detail = "";
        switch (event.name()) {
            case "RUN_STARTED" -> detail = data.path("tasks").asInt() + " task(s) submitted";
            case "TASKS_SPAWNED" -> {
                data.path("spawned").forEach(id -> tasks.add(id.asText()));
                detail = "planned " + data.path("spawned").size() + " more: " + join(data.path("spawned"));
            }
            case "TASK_DISPATCHED" -> {
                tasks.add(task);
                boolean review = data.path("review").asBoolean();
                if (!review) {
                    dispatchedAt.put(task, System.nanoTime());
                }
                agent = data.path("dispatchedTo").asText(agent);
                detail = (review ? "review" : "")
                        + (data.path("revision").asInt() > 0
                                ? (review ? " of " : "") + "revision "
                                        + data.path("revision").asInt()
                                : "");
            }
            case "TASK_COMPLETED", "TASK_FAILED", "TASK_SKIPPED" -> {
                finished.add(task);
                Long started = dispatchedAt.get(task);
                detail = started == null ? "" : String.format("%.2fs", (System.nanoTime() - started) / 1e9);
                if (data.has("error")) {
                    detail += " "
                            + data.path("error")
                                    .path("message")
                                    .asText(data.path("error").toString());
                }
            }
            case "TASK_REVIEWED" ->
                detail = (data.path("approved").asBoolean() ? "approved" : "changes requested: ")
                        + (data.path("approved").asBoolean()
                                ? ""
                                : abbreviate(data.path("feedback").asText(), 70));
            case "TASK_REVISED" ->
                detail = "sent back for revision " + data.path("revision").asInt();
            case "RUN_FINISHED" -> detail = data.path("status").asText();
            case "TASK_PROGRESS" -> detail = agentLoopStep(data.path("progress"));
            default -> detail = "";
        }
        printLine(String.format("%7s  %-22s %-14s %-11s %s", elapsed(), label(event.name()), task, agent, detail)
                .stripTrailing());
    }

    /** A settled turn or tool call of an agent loop, as its agent task reports it. */
    private static String agentLoopStep(JsonNode progress) {
        if (!progress.has("agentLoop")) {
            return "";
        }
        String step = progress.path("agentLoop").asText().equals("turn")
                ? "turn " + progress.path("turn").asInt() + ": "
                        + (progress.has("toolCalls")
                                ? progress.path("toolCalls").asInt() + " tool call(s)"
                                : "final answer")
                : progress.path("agent").asText() + " "
                        + progress.path("state").asText().toLowerCase();
        return step + ", "
                + (progress.path("tokensIn").asLong()
                        + progress.path("tokensOut").asLong()) + " tokens ("
                + progress.path("task").asText() + ")";
    }

    void printSummary(JsonNode run) {
        clearBar();
        out.println();
        out.printf(
                "Run %s %s in %.1fs — %d steps, %d tokens%n",
                run.path("runId").asText(),
                run.path("status").asText(),
                run.path("durationMs").asLong() / 1000.0,
                run.path("steps").asLong(),
                run.path("usage").path("tokens").asLong());
        out.println();
        out.printf(
                "  %-14s %-11s %-10s %8s %9s %9s %8s%n",
                "task", "agent", "state", "attempts", "revisions", "duration", "tokens");
        for (JsonNode task : run.path("tasks")) {
            long tokens = task.path("usage").path("tokensIn").asLong()
                    + task.path("usage").path("tokensOut").asLong();
            out.printf(
                    "  %-14s %-11s %-10s %8d %9d %8.2fs %8d%n",
                    task.path("id").asText(),
                    task.path("agent").asText(),
                    task.path("state").asText(),
                    task.path("attempts").asInt(),
                    task.path("revision").asInt(),
                    task.path("durationMs").asLong() / 1000.0,
                    tokens);
        }
        printDecisions(run);
        out.println();
        out.println("Final output:");
        for (JsonNode task : finalTasks(run)) {
            out.println("  [" + task.path("id").asText() + "]");
            if (task.path("output").has("files")) {
                printFiles(task.path("output"));
                continue;
            }
            String pretty;
            try {
                pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(task.path("output"));
            } catch (Exception e) {
                pretty = task.path("output").toString();
            }
            pretty.lines().limit(40).forEach(line -> out.println("    " + line));
        }
        if (run.has("error")) {
            out.println("Error: " + run.path("error"));
        }
    }

    /** How votes went and why tasks were skipped (a condition on a verdict, a debate that ended early). */
    private void printDecisions(JsonNode run) {
        boolean first = true;
        for (JsonNode task : run.path("tasks")) {
            JsonNode aggregation = task.path("aggregation");
            String line = null;
            if (aggregation.has("votes")) {
                StringBuilder votes = new StringBuilder();
                aggregation
                        .path("votes")
                        .forEach(v -> votes.append(votes.isEmpty() ? "" : ", ")
                                .append(v.path("value"))
                                .append(" ×")
                                .append(v.path("count").asInt()));
                line = String.format(
                        "  vote     %-14s %s won (%s of %d samples succeeded: %s)",
                        task.path("id").asText(),
                        aggregation.path("value"),
                        aggregation.path("succeeded").asInt(),
                        aggregation.path("samples").asInt(),
                        votes);
            } else if ("SKIPPED".equals(task.path("state").asText()) && task.has("error")) {
                line = String.format(
                        "  skipped  %-14s %s",
                        task.path("id").asText(),
                        task.path("error").path("message").asText());
            }
            if (line != null) {
                if (first) {
                    out.println();
                    first = false;
                }
                out.println(line);
            }
        }
    }

    private void printFiles(JsonNode output) {
        if (output.has("summary")) {
            out.println("    " + output.path("summary").asText());
        }
        for (JsonNode file : output.path("files")) {
            out.println("    --- " + file.path("path").asText());
            file.path("content").asText().lines().limit(40).forEach(line -> out.println("    " + line));
        }
    }

    /**
     * The tasks nothing depends on (the run's results), leaving out the planner that only made the plan and the turns
     * and tool calls of an agent loop (ids with {@code @}), whose agent task carries the answer.
     */
    private static List<JsonNode> finalTasks(JsonNode run) {
        Set<String> dependedOn = new LinkedHashSet<>();
        run.path("tasks").forEach(t -> t.path("dependsOn").forEach(d -> dependedOn.add(d.asText())));
        List<JsonNode> sinks = new java.util.ArrayList<>();
        run.path("tasks").forEach(t -> {
            if (!dependedOn.contains(t.path("id").asText())
                    && !t.path("agent").asText().equals("planner")
                    && !t.path("id").asText().contains("@")
                    && t.has("output")) {
                sinks.add(t);
            }
        });
        return sinks;
    }

    private void printLine(String line) {
        clearBar();
        out.println(line);
        String bar = bar();
        if (plain) {
            if (!bar.equals(lastBar)) {
                out.println(bar);
            }
        } else {
            out.print(bar);
            out.flush();
        }
        lastBar = bar;
    }

    private void clearBar() {
        if (!plain && !lastBar.isEmpty()) {
            out.print("\r\033[2K");
        }
    }

    private String bar() {
        int total = Math.max(1, tasks.size());
        int done = Math.min(total, finished.size());
        int filled = BAR_WIDTH * done / total;
        return "        [" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + done + "/" + total + " tasks";
    }

    private String elapsed() {
        return String.format("+%.2fs", (System.nanoTime() - startNanos) / 1e9);
    }

    private static String label(String event) {
        return event.replace("TASK_", "").replace("TASKS_", "").toLowerCase();
    }

    private static String join(JsonNode array) {
        StringBuilder s = new StringBuilder();
        array.forEach(n -> s.append(s.isEmpty() ? "" : ", ").append(n.asText()));
        return s.toString();
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static JsonNode parse(String data) {
        try {
            return JSON.readTree(data);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }
}
