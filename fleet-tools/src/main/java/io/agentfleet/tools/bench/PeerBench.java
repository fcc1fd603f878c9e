package io.agentfleet.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.testsupport.RedisProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./fleet bench --peers}: the peers of {@code bench/peers} (BullMQ 6.7.0 and the bare Node loop, the same
 * shapes as W1 and W1-lat) run in the same invocation, right after the AgentFleet runs of the workload they match, each
 * on a fresh Redis of the same kind; their figures join the table under {@code W1 bullmq}, {@code W1 bare}, … and the
 * ratios of the medians are printed at the end. Node 20+ and {@code npm install} in {@code bench/peers} are needed;
 * without them one line says so and the peers are skipped.
 */
final class PeerBench {
    /** The peer scripts of each AgentFleet workload, as table row suffix → script. */
    private static final Map<String, Map<String, String>> SCRIPTS = Map.of(
            "W1", Map.of("bullmq", "w1-bullmq.js", "bare", "w1-bare.js"),
            "W1-lat", Map.of("bullmq", "lat-bullmq.js", "bare", "lat-bare.js"));
    /** Figure of AgentFleet (cold round) → the same figure in the peers' RESULT JSON. */
    private static final Map<String, String> W1_FIGURES =
            Map.of("end_to_end_per_s", "e2e_per_s", "enqueue_per_s", "enqueue_per_s");

    private static final Map<String, String> LAT_FIGURES = Map.of("p50_ms", "p50_ms", "p99_ms", "p99_ms");
    private static final long SCRIPT_TIMEOUT_SECONDS = 300;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path logDir;

    private PeerBench(Path dir, Path logDir) {
        this.dir = dir;
        this.logDir = logDir;
    }

    /** The peers, or empty after printing the one line that says why they cannot run here. */
    static Optional<PeerBench> find(Path root, Path logDir) {
        Path dir = root.resolve("bench/peers");
        String node = nodeVersion();
        if (node == null) {
            System.out.println("  peers skipped: node is not on PATH (Node 20+ is needed for bench/peers)");
            return Optional.empty();
        }
        if (!Files.isDirectory(dir.resolve("node_modules/bullmq"))
                || !Files.isDirectory(dir.resolve("node_modules/ioredis"))) {
            System.out.println("  peers skipped: bullmq/ioredis not installed (cd bench/peers && npm install --no-audit"
                    + " --no-fund --no-package-lock)");
            return Optional.empty();
        }
        System.out.println("  peers: bench/peers with node " + node);
        return Optional.of(new PeerBench(dir, logDir));
    }

    /** Whether {@code workload} has peers. */
    static boolean matches(String workload) {
        return SCRIPTS.containsKey(workload);
    }

    /** Runs each peer of {@code workload} once on a fresh Redis; table rows named {@code "<workload> <peer>"}. */
    Map<String, Figures> run(String workload, int run) throws Exception {
        Map<String, Figures> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> peer : new TreeMap<>(SCRIPTS.get(workload)).entrySet()) {
            try (RedisProcess redis = RedisProcess.start(RedisProcess.Options.defaults())) {
                out.put(workload + " " + peer.getKey(), runScript(peer.getValue(), redis, workload + "-" + run));
            }
        }
        return out;
    }

    private Figures runScript(String script, RedisProcess redis, String name) throws Exception {
        Path log = logDir.resolve(name + "-" + script.replace(".js", "") + ".log");
        ProcessBuilder builder = new ProcessBuilder("node", script)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("REDIS_PORT", Integer.toString(redis.port()));
        Process p = builder.start();
        p.getOutputStream().close();
        if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " did not finish within " + SCRIPT_TIMEOUT_SECONDS + " s");
        }
        return parse(Files.readString(log), script);
    }

    /** The values of the script's {@code RESULT {json}} line. */
    static Figures parse(String output, String script) throws IOException {
        for (String line : output.split("\n")) {
            if (line.startsWith("RESULT ")) {
                Map<String, Double> values = new HashMap<>();
                JsonNode result = JSON.readTree(line.substring("RESULT ".length()));
                result.properties().forEach(e -> {
                    if (e.getValue().isNumber()) {
                        values.put(e.getKey(), e.getValue().asDouble());
                    }
                });
                return new Figures(values);
            }
        }
        throw new IllegalStateException(script + " printed no RESULT line:\n" + output);
    }

    /**
     * The same-sitting ratios of the medians: AgentFleet's cold round ÷ each peer (throughput: higher is better for
     * AgentFleet; latency: lower is).
     */
    static List<String> ratios(Map<String, List<Figures>> results) {
        List<String> lines = new ArrayList<>();
        SCRIPTS.keySet().stream().sorted().forEach(workload -> {
            Map<String, String> figures = workload.equals("W1") ? W1_FIGURES : LAT_FIGURES;
            List<Figures> ours = results.get(workload);
            for (String peer : List.of("bullmq", "bare")) {
                List<Figures> theirs = results.get(workload + " " + peer);
                if (ours == null || theirs == null) {
                    continue;
                }
                StringBuilder line = new StringBuilder(workload + ": AgentFleet ÷ " + peer + " (medians):");
                figures.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(f -> {
                    double a = BenchTable.median(ours, f.getKey());
                    double b = BenchTable.median(theirs, f.getValue());
                    line.append(String.format(" %s %s ÷ %s = %.2f;", f.getKey(), fmt(a), fmt(b), a / b));
                });
                lines.add(line.toString());
            }
        });
        return lines;
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format("%.0f", v) : String.format("%.2f", v);
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
