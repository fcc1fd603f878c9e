package io.agentfleet.tools.demo;

import java.util.Map;

/**
 * What {@code ./fleet demo} was asked to do.
 *
 * @param goal the goal given to the planner
 * @param killWorker kill one worker process with {@code kill -9} mid-run to show the run still completes
 * @param llm run the agents on the {@code llm} handler (a provider key or base URL is configured)
 * @param plain no ANSI colours or progress-bar redraws (for tests and logs)
 * @param embeddedRedis use the Redis binary bundled with the project even when redis-server is on PATH
 * @param failureRate share of demo-agent attempts that fail retryably, to show retries
 * @param stay keep Redis, the orchestrator and the workers running after the run, so the console can be browsed
 * @param agent run a tool-using agent loop ({@code llm} with the tools {@code search} and {@code read_url}) instead
 *     of the planner's workflow
 * @param team run {@link TeamWorkflow} (a vote among researchers, a reviewer's verdict routing the graph) instead of
 *     the planner's workflow
 */
record DemoOptions(
        String goal,
        boolean killWorker,
        boolean llm,
        boolean plain,
        boolean embeddedRedis,
        String failureRate,
        boolean stay,
        boolean agent,
        boolean team) {
    static final String DEFAULT_GOAL = "Build a rate limiter for our public API";

    static DemoOptions parse(String[] args, Map<String, String> env) {
        String goal = DEFAULT_GOAL;
        boolean killWorker = false;
        boolean plain = System.console() == null;
        boolean embeddedRedis = false;
        String failureRate = "0.15";
        boolean stay = false;
        boolean agent = false;
        boolean team = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kill-worker" -> killWorker = true;
                case "--plain" -> plain = true;
                case "--goal" -> goal = args[++i];
                case "--embedded-redis" -> embeddedRedis = true;
                case "--failure-rate" -> failureRate = args[++i];
                case "--stay" -> stay = true;
                case "--agent" -> agent = true;
                case "--team" -> team = true;
                default ->
                    throw new IllegalArgumentException("unknown option '" + args[i]
                            + "'; usage: ./fleet demo [--kill-worker] [--goal TEXT] [--plain]"
                            + " [--embedded-redis] [--failure-rate 0..1] [--stay] [--agent | --team]");
            }
        }
        boolean llm =
                isSet(env, "OPENAI_API_KEY") || isSet(env, "ANTHROPIC_API_KEY") || isSet(env, "FLEET_LLM_BASE_URL");
        if (agent && team) {
            throw new IllegalArgumentException("--agent and --team are two different demos: choose one");
        }
        return new DemoOptions(goal, killWorker, llm, plain, embeddedRedis, failureRate, stay, agent, team);
    }

    private static boolean isSet(Map<String, String> env, String name) {
        String value = env.get(name);
        return value != null && !value.isBlank();
    }
}
