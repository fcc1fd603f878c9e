package io.agentfleet.worker.llm;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Spans and meters for provider calls. Each call is a CLIENT span named {@code chat <model>} with the OpenTelemetry
 * GenAI semantic conventions ({@code gen_ai.*}), a child of the current span (the task's process span, as the handler
 * runs inside it). Prompts and answers are never recorded. Meters (Prometheus names): {@code
 * fleet_llm_request_duration_seconds{provider,model,status}}, {@code fleet_llm_circuit_state{provider,endpoint}} (0
 * closed, 1 half-open, 2 open), {@code fleet_llm_rate_limit_wait_seconds{provider,model}}, {@code
 * fleet_llm_tokens_total{provider,model,direction}} and {@code fleet_llm_cost_total{provider,model}}.
 */
final class LlmTelemetry {
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");
    /** The name older GenAI conventions use for the provider; still read by many back ends. */
    static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");

    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<Long> REQUEST_MAX_TOKENS = AttributeKey.longKey("gen_ai.request.max_tokens");
    static final AttributeKey<Double> REQUEST_TEMPERATURE = AttributeKey.doubleKey("gen_ai.request.temperature");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<String> RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    static final AttributeKey<List<String>> FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final Tracer tracer;
    private final MeterRegistry registry;

    /** @param tracer null when tracing is off: no span is created */
    LlmTelemetry(Tracer tracer, MeterRegistry registry) {
        this.tracer = tracer;
        this.registry = registry;
    }

    /** No spans, meters kept in memory only. */
    static LlmTelemetry disabled() {
        return new LlmTelemetry(null, new SimpleMeterRegistry());
    }

    /** Starts observing one call, right before it is sent. */
    Observation start(LlmSettings settings, URI url) {
        Span span = null;
        if (tracer != null) {
            String provider = settings.provider().configName();
            span = tracer.spanBuilder("chat " + settings.model())
                    .setSpanKind(SpanKind.CLIENT)
                    .setAttribute(OPERATION, "chat")
                    .setAttribute(PROVIDER, provider)
                    .setAttribute(SYSTEM, provider)
                    .setAttribute(REQUEST_MODEL, settings.model())
                    .setAttribute(REQUEST_MAX_TOKENS, (long) settings.maxTokens())
                    .setAttribute(SERVER_ADDRESS, url.getHost())
                    .setAttribute(SERVER_PORT, (long) port(url))
                    .startSpan();
            if (settings.temperature() != null) {
                span.setAttribute(REQUEST_TEMPERATURE, settings.temperature());
            }
        }
        return new Observation(settings, span, System.nanoTime());
    }

    /** Time a call waited for the shared rate limit. */
    void rateLimitWait(LlmSettings settings, Duration waited) {
        Timer.builder("fleet.llm.rate.limit.wait")
                .description("Time provider calls waited for the shared rate limit")
                .tag("provider", settings.provider().configName())
                .tag("model", settings.model())
                .register(registry)
                .record(waited);
    }

    /** Tokens and cost of one call, as counted into the task's usage. */
    void usage(LlmSettings settings, long tokensIn, long tokensOut, double cost) {
        tokens(settings, "in").increment(tokensIn);
        tokens(settings, "out").increment(tokensOut);
        Counter.builder("fleet.llm.cost")
                .description("Cost of provider calls from the price table (USD unless prices say otherwise)")
                .tag("provider", settings.provider().configName())
                .tag("model", settings.model())
                .register(registry)
                .increment(cost);
    }

    /** Exports the breaker's state as a gauge for as long as the breaker lives (they live as long as the process). */
    void watch(CircuitBreaker breaker, LlmSettings settings) {
        Gauge.builder("fleet.llm.circuit.state", breaker, LlmTelemetry::stateValue)
                .description("Circuit breaker state per provider endpoint: 0 closed, 1 half-open, 2 open")
                .tag("provider", settings.provider().configName())
                .tag("endpoint", CircuitBreakers.label(settings))
                .strongReference(true)
                .register(registry);
    }

    static double stateValue(CircuitBreaker breaker) {
        return switch (breaker.state()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
    }

    private Counter tokens(LlmSettings settings, String direction) {
        return Counter.builder("fleet.llm.tokens")
                .description("Tokens of provider calls (provider counts, estimated where it gave none)")
                .tag("provider", settings.provider().configName())
                .tag("model", settings.model())
                .tag("direction", direction)
                .register(registry);
    }

    private static int port(URI url) {
        if (url.getPort() >= 0) {
            return url.getPort();
        }
        return "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    }

    /** One call in flight; ends exactly once, with an answer or a failure type. */
    final class Observation {
        private final LlmSettings settings;
        private final Span span;
        private final long startedNanos;

        private Observation(LlmSettings settings, Span span, long startedNanos) {
            this.settings = settings;
            this.span = span;
            this.startedNanos = startedNanos;
        }

        void succeeded(LlmResponse response) {
            if (span != null) {
                span.setAttribute(RESPONSE_MODEL, response.model());
                if (response.id() != null) {
                    span.setAttribute(RESPONSE_ID, response.id());
                }
                if (response.stopReason() != null) {
                    span.setAttribute(FINISH_REASONS, List.of(response.stopReason()));
                }
                if (response.tokensIn() != null) {
                    span.setAttribute(INPUT_TOKENS, response.tokensIn());
                }
                if (response.tokensOut() != null) {
                    span.setAttribute(OUTPUT_TOKENS, response.tokensOut());
                }
            }
            end("ok");
        }

        void failed(String failureType) {
            if (span != null) {
                span.setAttribute(ERROR_TYPE, failureType);
                span.setStatus(StatusCode.ERROR, failureType);
            }
            end(failureType);
        }

        private void end(String status) {
            Timer.builder("fleet.llm.request.duration")
                    .description("Provider call duration by outcome (ok or the failure type)")
                    .tag("provider", settings.provider().configName())
                    .tag("model", settings.model())
                    .tag("status", status)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - startedNanos));
            if (span != null) {
                span.end();
            }
        }
    }
}
