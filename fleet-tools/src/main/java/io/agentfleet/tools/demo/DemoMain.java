package io.agentfleet.tools.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisProcess;
import io.agentfleet.tools.bench.ServiceJars;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./fleet demo}: starts Redis (unless {@code REDIS_URL} is set), the orchestrator and one worker process per
 * agent type, submits a goal to the planner through the HTTP API, shows the run live from its Server-Sent Events, then
 * prints a summary and the final output. Every process it started is stopped on the way out, Ctrl-C included.
 */
public final class DemoMain {
    static final List<String> AGENTS = List.of("planner", "researcher", "coder", "reviewer");
    /** {@code --agent}: the model and its tools; offline the model is the deterministic {@code demo-model}. */
    static final List<String> AGENT_LOOP_AGENTS = List.of("llm", "search", "read_url");

    static final int AGENT_MAX_TURNS = 6;
    private static final String KILLED_AGENT = "researcher";
    private static final String KILLED_TOOL = "search";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DemoOptions options;
    private final Path runDir;
    private final PrintStream out;
    private final Processes processes = new Processes();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String apiKey = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
    private final Map<String, List<JavaProcess>> workers = new LinkedHashMap<>();
    private final List<String> agents;
    private final String killedAgent;
    private RedisProcess ownRedis;
    private String redisUrl;
    private FleetClient client;
    private URI api;

    DemoMain(DemoOptions options, Path runDir, PrintStream out) {
        this.options = options;
        this.runDir = runDir;
        this.out = out;
        this.agents = options.agent() ? AGENT_LOOP_AGENTS : AGENTS;
        this.killedAgent = options.agent() ? KILLED_TOOL : KILLED_AGENT;
    }

    public static void main(String[] args) throws Exception {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path runDir = Files.createDirectories(ServiceJars.root()
                .resolve(".fleet/demo/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        DemoMain demo = new DemoMain(options, runDir, System.out);
        Thread cleanup = new Thread(demo::stopEverything, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int code;
        try {
            code = demo.run();
        } catch (Exception e) {
            System.err.println("demo failed: " + e.getMessage() + "\n  logs: " + runDir);
            code = 1;
        }
        demo.stopEverything();
        Runtime.getRuntime().removeShutdownHook(cleanup);
        System.exit(code);
    }

    int run() throws Exception {
        out.println("AgentFleet demo: "
                + (options.agent() ? "a tool-using agent loop, " : "")
                + (options.llm()
                        ? "LLM agents"
                        : options.agent()
                                ? "deterministic model and tools (no API key needed)"
                                : "deterministic agents (no API key needed)"));
        out.println("  goal          " + options.goal());
        if (options.team()) {
            out.println("  team          " + TeamWorkflow.RESEARCHERS + " researchers vote on a recommendation, a coder"
                    + " implements it, the reviewer's verdict routes to ship or fix");
        }
        startRedis();
        startOrchestrator();
        startWorkers();
        awaitReady();
        String runId = submit();
        out.println("  run           " + runId + "  (follow it yourself: ./fleet ctl run follow " + runId + ")");
        out.println("  console       " + api + "/ui/#/runs/" + runId + "  (API key " + apiKey + ", this demo's only;"
                + (options.stay() ? " up until Ctrl-C)" : " up while the demo runs; --stay keeps it)"));
        out.println();
        RunView view = new RunView(out, options.plain());
        new SseClient(http, apiKey).follow(api.resolve("/v1/runs/" + runId + "/events"), event -> {
            view.onEvent(event);
            killWorkerOnce(event);
            return !"RUN_FINISHED".equals(event.name());
        });
        JsonNode run = getJson("/v1/runs/" + runId);
        view.printSummary(run);
        if (options.stay()) {
            out.println();
            out.println("The fleet stays up for the console: " + api + "/ui/#/runs/" + runId + "  (Ctrl-C stops it)");
            new CountDownLatch(1).await();
        }
        return "COMPLETED".equals(run.path("status").asText()) ? 0 : 1;
    }

    private void startRedis() {
        redisUrl = System.getenv("REDIS_URL");
        if (redisUrl != null && !redisUrl.isBlank()) {
            out.println("  redis         " + redact(redisUrl) + " (from REDIS_URL)");
            return;
        }
        RedisProcess.Options redisOptions = RedisProcess.Options.defaults().withDataDir(runDir.resolve("redis"));
        if (options.embeddedRedis()) {
            redisOptions = redisOptions.withBinary(RedisProcess.embeddedBinary());
        }
        ownRedis = RedisProcess.start(redisOptions);
        redisUrl = ownRedis.uri();
        out.println("  redis         " + redisUrl + " (started by the demo: "
                + ownRedis.binary().getFileName() + ")");
    }

    private void startOrchestrator() throws IOException {
        int port = freePort();
        api = URI.create("http://127.0.0.1:" + port);
        processes.add(JavaProcess.builder("io.agentfleet.orchestrator.OrchestratorApplication")
                .classPath(ServiceJars.orchestrator())
                .jvmArg("-Xmx512m")
                .env("REDIS_URL", redisUrl)
                .env("MICRONAUT_SERVER_PORT", Integer.toString(port))
                .env("FLEET_API_KEYS_PLAIN", "demo:" + apiKey)
                // The demo's types, declared: the orchestrator accepts them before the workers have registered.
                .env("FLEET_ORCHESTRATOR_ALLOWED_AGENTS", String.join(",", agents))
                .logTo(runDir.resolve("orchestrator.log"))
                .start());
        out.println("  orchestrator  " + api + "  (log: "
                + ServiceJars.root().relativize(runDir.resolve("orchestrator.log")) + ")");
    }

    private void startWorkers() {
        for (String agent : agents) {
            int replicas = options.killWorker() && agent.equals(killedAgent) ? 2 : 1;
            for (int i = 1; i <= replicas; i++) {
                JavaProcess.Builder worker = JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                        .classPath(ServiceJars.worker())
                        .jvmArg("-Xmx256m", "-XX:TieredStopAtLevel=1")
                        .env("REDIS_URL", redisUrl)
                        .env("FLEET_AGENTS", agent)
                        .env("MICRONAUT_SERVER_PORT", "-1")
                        .env("POD_NAME", agent + "-worker-" + i)
                        .env("FLEET_DEMO_AGENTS_FAILURE_RATE", options.failureRate())
                        .sysProp("fleet.agents." + agent + ".claim-after", "3s")
                        .sysProp("fleet.agents." + agent + ".lease", "1s")
                        .sysProp("fleet.agents." + agent + ".backoff-base", "200ms")
                        .logTo(runDir.resolve(agent + "-worker-" + i + ".log"));
                if (options.agent() && agent.equals("llm") && !options.llm()) {
                    worker.sysProp("fleet.agents.llm.handler", "demo-model");
                } else if (options.llm() && !options.agent()) {
                    worker.sysProp("fleet.agents." + agent + ".handler", "llm");
                }
                workers.computeIfAbsent(agent, a -> new ArrayList<>()).add(processes.add(worker.start()));
            }
        }
        out.println("  workers       "
                + String.join(
                        ", ",
                        workers.keySet().stream()
                                .map(a -> a
                                        + (workers.get(a).size() > 1
                                                ? " ×" + workers.get(a).size()
                                                : ""))
                                .toList())
                + "  (one process each; logs in " + ServiceJars.root().relativize(runDir) + ")");
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            for (List<JavaProcess> group : workers.values()) {
                for (JavaProcess worker : group) {
                    if (!worker.isAlive()) {
                        throw new IllegalStateException("a worker exited at start-up; see " + worker.logFile());
                    }
                }
            }
            if (orchestratorReady() && workersConsuming()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("services did not become ready within 120 s; logs in " + runDir);
    }

    private boolean orchestratorReady() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(api.resolve("/health/readiness")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Every worker's consumer is in its agent type's group. Read through fleet-client, which follows the URL to a node,
     * a cluster (where the types' streams live on different primaries) or a Sentinel set-up.
     */
    private boolean workersConsuming() {
        try {
            if (client == null) {
                client = FleetClient.connect(redisUrl);
            }
            for (String agent : agents) {
                if (client.admin().agentStats(agent).consumers().size()
                        < workers.get(agent).size()) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private String submit() throws Exception {
        ObjectNode body = options.agent()
                ? agentLoop(options.goal())
                : options.team() ? TeamWorkflow.of(options.goal()) : planned(options.goal());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> response = post(body);
        // A tool worker publishes its schema just after it joins its group: until then the agent task is refused.
        while (response.statusCode() == 400
                && response.body().contains("no published input schema")
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            response = post(body);
        }
        if (response.statusCode() != 202) {
            throw new IllegalStateException(
                    "POST /v1/workflows answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body()).path("runId").asText();
    }

    private static ObjectNode agentLoop(String goal) {
        ObjectNode body = JSON.createObjectNode();
        body.put("maxSteps", 20);
        ObjectNode task = body.putArray("tasks").addObject();
        task.put("id", "research");
        task.put("agent", "llm");
        task.putArray("tools").add("search").add("read_url");
        task.put("maxTurns", AGENT_MAX_TURNS);
        task.put("input", goal);
        return body;
    }

    private HttpResponse<String> post(ObjectNode body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(api.resolve("/v1/workflows"))
                        .header("Authorization", "Bearer " + apiKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static ObjectNode planned(String goal) {
        ObjectNode body = JSON.createObjectNode();
        body.put("maxSteps", 20);
        ObjectNode plan = body.putArray("tasks").addObject();
        plan.put("id", "plan");
        plan.put("agent", "planner");
        plan.putObject("input").put("goal", goal);
        return body;
    }

    private boolean killed;

    private void killWorkerOnce(SseClient.Event event) {
        if (!options.killWorker()
                || killed
                || !"TASK_DISPATCHED".equals(event.name())
                || !event.data().contains("\"" + killedAgent + "\"")) {
            return;
        }
        killed = true;
        JavaProcess victim = workers.get(killedAgent).get(0);
        victim.kill9();
        out.println(
                "  ✖ kill -9 of " + killedAgent + "-worker-1 (pid " + victim.pid() + ") with work in flight: its lease"
                        + " runs out and " + killedAgent + "-worker-2 reclaims what it held");
    }

    private JsonNode getJson(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(api.resolve(path))
                        .header("Authorization", "Bearer " + apiKey)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    void stopEverything() {
        if (client != null) {
            client.close();
            client = null;
        }
        processes.close();
        if (ownRedis != null) {
            ownRedis.close();
            ownRedis = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String redact(String url) {
        return url.replaceAll("//([^:@/]*):[^@/]*@", "//$1:***@");
    }
}
