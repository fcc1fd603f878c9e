package io.agentfleet.worker.agents;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Metadata;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.HandlerResult;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Duration;
import java.util.SplittableRandom;

/**
 * A deterministic, offline stand-in for an LLM agent: waits a while, sometimes fails retryably, then derives a
 * plausible structured output from its input. Delay and failure depend on (seed, agent type, task id, attempt), the
 * output on the input only, so a demo run replays identically.
 */
abstract class DemoAgent implements AgentHandler {
    /** Blocks for the simulated work; tests replace it to run instantly. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    static final Sleeper THREAD_SLEEP = Thread::sleep;

    private final String agentType;
    private final String kind;
    private final DemoAgentSettings settings;
    private final Sleeper sleeper;

    DemoAgent(String agentType, String kind, DemoAgentSettings settings, Sleeper sleeper) {
        this.agentType = agentType;
        this.kind = kind;
        this.settings = settings;
        this.sleeper = sleeper;
    }

    @Override
    public final String agentType() {
        return agentType;
    }

    @Override
    public final HandlerResult handle(AgentMessage task, TaskContext context) throws InterruptedException {
        SplittableRandom random = Deterministic.random(settings.seed(), agentType, task.taskId(), context.attempt());
        Duration delay = delay(random);
        sleeper.sleep(delay);
        if (random.nextDouble() < settings.failureRate()) {
            throw HandlerFailure.retryable(
                    "DEMO_FAILURE",
                    "simulated failure of " + agentType + " on attempt " + context.attempt() + " ("
                            + DemoAgentSettings.FAILURE_RATE + "=" + settings.failureRate() + ")");
        }
        ObjectNode output = produce(TaskContent.of(task.content()), task.content());
        return HandlerResult.of(output, usage(task.content(), output, delay));
    }

    /** Derives the output from the task; must not depend on anything but its arguments. */
    abstract ObjectNode produce(TaskContent content, ObjectNode raw);

    /** The agent's self-reported confidence in its output, or null. */
    Double confidence(ObjectNode output) {
        return null;
    }

    private Duration delay(SplittableRandom random) {
        long min = settings.minDelay().toMillis();
        long max = settings.maxDelay().toMillis();
        return Duration.ofMillis(max > min ? min + random.nextLong(max - min + 1) : min);
    }

    private Metadata usage(ObjectNode input, ObjectNode output, Duration delay) {
        // Plausible numbers for dashboards and budgets: about four characters a token, and free.
        long tokensIn = (input.toString().length() + 3) / 4;
        long tokensOut = (output.toString().length() + 3) / 4;
        return new Metadata(tokensIn, tokensOut, 0.0, "demo-" + kind, delay.toMillis(), confidence(output));
    }
}
