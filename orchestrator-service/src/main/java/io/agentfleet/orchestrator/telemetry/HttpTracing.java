package io.agentfleet.orchestrator.telemetry;

import io.agentfleet.messages.TraceContext;
import io.agentfleet.tracing.MessageTracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import jakarta.inject.Singleton;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * SERVER spans for the submit endpoints, continuing the caller's {@code traceparent} when it sent one; with tracing
 * off the handler simply runs.
 */
@Singleton
public class HttpTracing {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");

    private final MessageTracing tracing;

    public HttpTracing(MessageTracing tracing) {
        this.tracing = tracing;
    }

    /**
     * Runs {@code handler} inside a SERVER span named {@code method + " " + route}, a child of {@code incoming}.
     *
     * @param status the response's status code once {@code handler} returned
     * @param errorStatus the status code an exception of {@code handler} is answered with
     */
    public <T> T server(
            String method,
            String route,
            TraceContext incoming,
            Supplier<T> handler,
            ToIntFunction<T> status,
            ToIntFunction<RuntimeException> errorStatus) {
        if (!tracing.enabled()) {
            return handler.get();
        }
        Span span = tracing.tracer()
                .spanBuilder(method + " " + route)
                .setSpanKind(SpanKind.SERVER)
                .setParent(tracing.extract(incoming))
                .setAttribute(METHOD, method)
                .setAttribute(ROUTE, route)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            T response = handler.get();
            span.setAttribute(STATUS, (long) status.applyAsInt(response));
            return response;
        } catch (RuntimeException e) {
            int code = errorStatus.applyAsInt(e);
            span.setAttribute(STATUS, (long) code);
            if (code >= 500) {
                span.setStatus(StatusCode.ERROR, e.getClass().getSimpleName());
                span.recordException(e);
            }
            throw e;
        } finally {
            span.end();
        }
    }
}
