package io.agentfleet.worker.metrics;

import io.agentfleet.messages.DeadLetterReason;
import io.agentfleet.messages.Metadata;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The meters of one agent type, created once so the hot path does no registry lookups. */
public final class AgentMetrics {
    private final Map<TaskOutcome, Counter> tasks = new EnumMap<>(TaskOutcome.class);
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Counter retries;
    private final Counter duplicates;
    private final Timer handlerDuration;
    private final Counter tokensIn;
    private final Counter tokensOut;
    private final Counter cost;
    private final Counter unreplicated;
    private final AtomicInteger inFlight = new AtomicInteger();

    AgentMetrics(MeterRegistry registry, String agent) {
        for (TaskOutcome outcome : TaskOutcome.values()) {
            tasks.put(
                    outcome,
                    Counter.builder("fleet.tasks")
                            .description("Task deliveries by how they ended")
                            .tag("agent", agent)
                            .tag("outcome", outcome.label())
                            .register(registry));
        }
        // UNKNOWN is only ever read from old or foreign entries, never dead-lettered with: no series for it.
        for (DeadLetterReason reason : EnumSet.complementOf(EnumSet.of(DeadLetterReason.UNKNOWN))) {
            deadLetters.put(
                    reason,
                    Counter.builder("fleet.dead.letters")
                            .description("Tasks dead-lettered")
                            .tag("agent", agent)
                            .tag("reason", reason.name())
                            .register(registry));
        }
        retries = Counter.builder("fleet.retries")
                .description("Retries scheduled")
                .tag("agent", agent)
                .register(registry);
        duplicates = Counter.builder("fleet.duplicates.dropped")
                .description("Outcomes dropped because the task's outcome was already recorded")
                .tag("agent", agent)
                .register(registry);
        handlerDuration = Timer.builder("fleet.handler.duration")
                .description("Handler run time")
                .tag("agent", agent)
                .publishPercentileHistogram()
                .register(registry);
        tokensIn = Counter.builder("fleet.tokens")
                .description("Tokens handlers reported using")
                .tag("agent", agent)
                .tag("direction", "in")
                .register(registry);
        tokensOut = Counter.builder("fleet.tokens")
                .description("Tokens handlers reported using")
                .tag("agent", agent)
                .tag("direction", "out")
                .register(registry);
        cost = Counter.builder("fleet.cost")
                .description("Cost handlers reported (in the unit their usage metadata uses, e.g. USD)")
                .tag("agent", agent)
                .register(registry);
        unreplicated = Counter.builder("fleet.worker.outcomes.unreplicated")
                .description("Outcomes and retries written while fewer replicas than FLEET_REDIS_WAIT_REPLICAS"
                        + " acknowledged them within FLEET_REDIS_WAIT_TIMEOUT")
                .tag("agent", agent)
                .register(registry);
        Gauge.builder("fleet.tasks.in.flight", inFlight, AtomicInteger::get)
                .description("Tasks taken and not yet recorded")
                .tag("agent", agent)
                .register(registry);
    }

    /** {@code count} completions were written but not acknowledged by enough replicas. */
    public void unreplicated(int count) {
        unreplicated.increment(count);
    }

    public void outcome(TaskOutcome outcome) {
        tasks.get(outcome).increment();
        if (outcome == TaskOutcome.RETRY) {
            retries.increment();
        } else if (outcome == TaskOutcome.DUPLICATE) {
            duplicates.increment();
        }
    }

    public void deadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    public void handlerDurationNanos(long nanos) {
        handlerDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Counts the tokens and cost a handler reported with its result (absent fields count nothing). */
    public void usage(Metadata usage) {
        if (usage.tokensIn() != null) {
            tokensIn.increment(usage.tokensIn());
        }
        if (usage.tokensOut() != null) {
            tokensOut.increment(usage.tokensOut());
        }
        if (usage.cost() != null) {
            cost.increment(usage.cost());
        }
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }
}
