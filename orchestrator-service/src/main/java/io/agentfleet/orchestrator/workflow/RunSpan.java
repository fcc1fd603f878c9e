package io.agentfleet.orchestrator.workflow;

import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.tracing.MessageTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.function.Function;

/**
 * A run's root span. A run outlives the call that submits it and may be driven by any replica, so its span is a short
 * root of the run's tree: started at submission and ended when the run is created. Its context is stored in the run's
 * traceparent field and becomes the parent of every dispatch of the run.
 */
final class RunSpan {
    private static final AttributeKey<String> KIND = AttributeKey.stringKey("agentfleet.run.kind");
    private static final AttributeKey<Long> TASKS = AttributeKey.longKey("agentfleet.run.tasks");

    private RunSpan() {}

    /** Runs {@code start} with {@code spec} carrying the new span's context (or unchanged when tracing is off). */
    static RunState around(MessageTracing tracing, RunSpec spec, String kind, Function<RunSpec, RunState> start) {
        if (!tracing.enabled()) {
            return start.apply(spec);
        }
        Context parent = Span.current().getSpanContext().isValid() ? Context.current() : tracing.extract(spec.trace());
        Span span = tracing.tracer()
                .spanBuilder("workflow run")
                .setParent(parent)
                .setAttribute(KIND, kind)
                .setAttribute(TASKS, (long) spec.tasks().size())
                .startSpan();
        try {
            RunState run = start.apply(spec.withTrace(tracing.inject(parent.with(span))));
            span.setAttribute(MessageTracing.RUN_ID, run.runId());
            return run;
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
            throw e;
        } finally {
            span.end();
        }
    }
}
