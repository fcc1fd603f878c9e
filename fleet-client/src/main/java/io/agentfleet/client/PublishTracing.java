package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.tracing.MessageTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The client's publish spans, made like the orchestrator's ({@link MessageTracing#startPublish}): each task carries
 * its span's W3C context, so the worker's process span continues the trace; a task that already carries a context
 * gets a child span of it. With the no-op OpenTelemetry nothing is created and tasks stay as they are.
 */
final class PublishTracing {
    private final MessageTracing tracing;

    PublishTracing(OpenTelemetry openTelemetry) {
        this.tracing = new MessageTracing(openTelemetry, "io.agentfleet.client");
    }

    /** A task about to be enqueued, carrying the context of its (started) publish span, if any. */
    record Publish(AgentMessage task, Span span) {
        void end(Throwable failure) {
            if (span == null) {
                return;
            }
            if (failure != null) {
                span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
            }
            span.end();
        }
    }

    Publish start(AgentMessage task, String stream) {
        if (!tracing.enabled()) {
            return new Publish(task, null);
        }
        Span span = tracing.startPublish(tracing.extract(task), stream, task);
        TraceContext trace = tracing.inject(Context.root().with(span));
        return new Publish(trace == null ? task : task.toBuilder().trace(trace).build(), span);
    }

    /** One publish per task, in order ({@code streamOf} gets the task's index); empty when tracing is off. */
    List<Publish> startAll(List<AgentMessage> tasks, IntFunction<String> streamOf) {
        if (!tracing.enabled()) {
            return List.of();
        }
        List<Publish> publishes = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            publishes.add(start(tasks.get(i), streamOf.apply(i)));
        }
        return publishes;
    }
}
