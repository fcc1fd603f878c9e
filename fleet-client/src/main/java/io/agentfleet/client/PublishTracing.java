package io.agentfleet.client;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.TraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * PRODUCER spans for the tasks the client enqueues, named and attributed like the orchestrator's ({@code publish
 * <stream>}, OpenTelemetry messaging conventions): each task carries its span's W3C context, so the worker's process
 * span continues the trace. A task that already carries a context gets a child span of it. With the no-op
 * OpenTelemetry nothing is created and tasks stay as they are.
 */
final class PublishTracing {
    private static final String INSTRUMENTATION = "io.agentfleet.client";
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> MESSAGING_OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    private static final AttributeKey<String> AGENT_TYPE = AttributeKey.stringKey("agentfleet.agent.type");
    private static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("agentfleet.task.id");
    private static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("agentfleet.run.id");
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final boolean enabled;
    private final Tracer tracer;
    private final TextMapPropagator propagator;

    PublishTracing(OpenTelemetry openTelemetry) {
        this.enabled = openTelemetry != OpenTelemetry.noop();
        this.tracer = openTelemetry.getTracer(INSTRUMENTATION);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
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
        if (!enabled) {
            return new Publish(task, null);
        }
        Span span = tracer.spanBuilder("publish " + stream)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(parentOf(task.trace()))
                .setAttribute(MESSAGING_SYSTEM, "redis")
                .setAttribute(MESSAGING_OPERATION, "send")
                .setAttribute(DESTINATION, stream)
                .setAttribute(MESSAGE_ID, task.messageId())
                .setAttribute(AGENT_TYPE, task.recipient())
                .setAttribute(TASK_ID, task.taskId())
                .startSpan();
        if (task.runId() != null) {
            span.setAttribute(RUN_ID, task.runId());
        }
        TraceContext trace = inject(Context.root().with(span));
        return new Publish(trace == null ? task : task.toBuilder().trace(trace).build(), span);
    }

    /** One publish per task, in order; empty when tracing is off. */
    List<Publish> startAll(List<AgentMessage> tasks, Function<AgentMessage, String> streamOf) {
        if (!enabled) {
            return List.of();
        }
        List<Publish> publishes = new ArrayList<>(tasks.size());
        for (AgentMessage task : tasks) {
            publishes.add(start(task, streamOf.apply(task)));
        }
        return publishes;
    }

    private Context parentOf(TraceContext trace) {
        if (trace == null) {
            return Context.current();
        }
        Map<String, String> carrier = new HashMap<>(2);
        carrier.put("traceparent", trace.traceparent());
        if (trace.tracestate() != null) {
            carrier.put("tracestate", trace.tracestate());
        }
        return propagator.extract(Context.root(), carrier, GETTER);
    }

    private TraceContext inject(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        propagator.inject(context, carrier, Map::put);
        String traceparent = carrier.get("traceparent");
        return traceparent == null ? null : new TraceContext(traceparent, carrier.get("tracestate"));
    }
}
