package io.agentfleet.orchestrator.workflow;

import io.agentfleet.orchestrator.workflow.engine.OutboxEntry;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.engine.UsageDelta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The metrics of a committed transition: dispatches, usage, and the run's final status and duration. */
final class RunMetrics {
    private final MeterRegistry metrics;

    RunMetrics(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    void record(RunState run) {
        for (OutboxEntry o : run.outbox()) {
            metrics.counter("fleet.orchestrator.dispatches", "agent", o.agent()).increment();
        }
        for (UsageDelta u : run.usage()) {
            metrics.counter("fleet.orchestrator.tokens", "agent", u.agent()).increment(u.tokensIn() + u.tokensOut());
            metrics.counter("fleet.orchestrator.cost", "agent", u.agent()).increment(u.cost());
        }
        if (run.ended()) {
            String status = run.status().name();
            metrics.counter("fleet.orchestrator.runs.finished", "status", status)
                    .increment();
            Counter.builder("fleet.runs")
                    .description("Runs finished, by final status")
                    .tag("status", status)
                    .register(metrics)
                    .increment();
            // A scheduled run's duration counts from its start: the wait for it is not the run's time.
            long created = Math.max(run.createdAt(), run.startAt());
            long finished = run.finishedAt();
            if (created > 0 && finished >= created) {
                Timer.builder("fleet.orchestrator.run.duration")
                        .tag("status", status)
                        .publishPercentileHistogram()
                        .register(metrics)
                        .record(Duration.ofMillis(finished - created));
            }
        }
    }
}
