package io.agentfleet.tracing;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.TraceContext;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Carries W3C trace context across every hop in {@link AgentMessage#trace()} and names spans after the OpenTelemetry
 * messaging conventions: a PRODUCER span per publish, a CONSUMER span per processing that is a child of the
 * publish span and links to it, so one workflow is one trace across orchestrator → worker → orchestrator.
 */
public final class MessageTracing {
    public static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    public static final AttributeKey<String> MESSAGING_OPERATION = AttributeKey.stringKey("messaging.operation.type");
    public static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    public static final AttributeKey<String> CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
    public static final AttributeKey<String> MESSAGE_ID = AttributeKey.stringKey("messaging.message.id");
    public static final AttributeKey<String> AGENT_TYPE = AttributeKey.stringKey("agentfleet.agent.type");
    public static final AttributeKey<String> TASK_ID = AttributeKey.stringKey("agentfleet.task.id");
    public static final AttributeKey<String> RUN_ID = AttributeKey.stringKey("agentfleet.run.id");
    public static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("agentfleet.attempt");

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

    private final Tracer tracer;
    private final TextMapPropagator propagator;
    private final boolean enabled;

    public MessageTracing(OpenTelemetry openTelemetry, String instrumentationName) {
        this.tracer = openTelemetry.getTracer(instrumentationName);
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
        this.enabled = openTelemetry != OpenTelemetry.noop();
    }

    /**
     * False when tracing is off (the no-op OpenTelemetry, as the services get it unless configured): callers on hot paths skip
     * every span, context and attribute allocation, and messages keep the trace context they arrived with.
     */
    public boolean enabled() {
        return enabled;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** The context a message carries, or the current context when it carries none. */
    public Context extract(AgentMessage message) {
        return extract(message.trace());
    }

    /** The context of a W3C {@code traceparent}/{@code tracestate} pair (e.g. HTTP headers), or the current one when null. */
    public Context extract(TraceContext trace) {
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

    /** The W3C context of {@code context}, for a message's {@code trace} field; null when there is no valid span. */
    public TraceContext inject(Context context) {
        if (!Span.fromContext(context).getSpanContext().isValid()) {
            return null;
        }
        Map<String, String> carrier = new HashMap<>(2);
        propagator.inject(context, carrier, Map::put);
        String traceparent = carrier.get("traceparent");
        return traceparent == null ? null : new TraceContext(traceparent, carrier.get("tracestate"));
    }

    /** A PRODUCER span for publishing {@code message} to {@code stream}, child of {@code parent}. */
    public Span startPublish(Context parent, String stream, AgentMessage message) {
        return taskSpan("publish " + stream, SpanKind.PRODUCER, parent, stream, message)
                .setAttribute(MESSAGING_OPERATION, "send")
                .startSpan();
    }

    /**
     * A CONSUMER span for processing a stream entry: a child of the publish span the message carries, with a link to
     * it as the messaging conventions ask.
     */
    public Span startProcess(String stream, String group, String entryId, AgentMessage message) {
        Context parent = extract(message);
        SpanContext publisher = Span.fromContext(parent).getSpanContext();
        SpanBuilder builder = taskSpan("process " + stream, SpanKind.CONSUMER, parent, stream, message)
                .setAttribute(MESSAGING_OPERATION, "process")
                .setAttribute(CONSUMER_GROUP, group)
                .setAttribute(MESSAGE_ID, entryId);
        if (publisher.isValid()) {
            builder.addLink(publisher);
        }
        return builder.startSpan();
    }

    /** An INTERNAL span for handling an outcome of {@code message} (e.g. the orchestrator recording a result). */
    public Span startInternal(String name, AgentMessage message) {
        return taskSpan(name, SpanKind.INTERNAL, extract(message), null, message)
                .startSpan();
    }

    private SpanBuilder taskSpan(String name, SpanKind kind, Context parent, String stream, AgentMessage message) {
        SpanBuilder builder = tracer.spanBuilder(name)
                .setSpanKind(kind)
                .setParent(parent)
                .setAttribute(MESSAGING_SYSTEM, "redis")
                .setAttribute(AGENT_TYPE, message.recipient())
                .setAttribute(TASK_ID, message.taskId())
                .setAttribute(ATTEMPT, (long) message.attempt());
        if (stream != null) {
            builder.setAttribute(DESTINATION, stream);
        }
        if (message.runId() != null) {
            builder.setAttribute(RUN_ID, message.runId());
        }
        return builder;
    }

    /** Convenience for tests and logs: the trace id a message carries, or null. */
    public static String traceIdOf(AgentMessage message) {
        if (message.trace() == null) {
            return null;
        }
        List<String> parts = List.of(message.trace().traceparent().split("-"));
        return parts.size() >= 2 ? parts.get(1) : null;
    }
}
