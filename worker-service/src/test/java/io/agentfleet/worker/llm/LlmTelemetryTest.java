package io.agentfleet.worker.llm;

import static io.agentfleet.worker.llm.LlmTasks.config;
import static io.agentfleet.worker.llm.LlmTasks.contextFor;
import static io.agentfleet.worker.llm.LlmTasks.taskWithInput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.lettuce.FleetRedisOptions;
import io.agentfleet.messages.RedisTarget;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.worker.llm.FakeProvider.Reply;
import io.agentfleet.worker.spi.HandlerFailure;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GenAI spans reach an (in-memory) exporter as children of the process span; the provider meters move. */
class LlmTelemetryTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static FleetRedis connection;
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build();
    private final Tracer tracer = tracing.get("test");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private FakeProvider provider;

    @BeforeAll
    static void connect() {
        connection = FleetRedis.connect(RedisTarget.parse(redis.uri()), FleetRedisOptions.DEFAULTS);
    }

    @AfterAll
    static void disconnect() {
        connection.close();
    }

    @BeforeEach
    void startProvider() {
        provider = FakeProvider.start();
    }

    @AfterEach
    void stop() {
        provider.close();
        tracing.close();
    }

    private LlmHandler handler(LlmTasks.Config extra) {
        return extra.set("llm", "provider", "openai")
                .set("llm", "base-url", provider.openAiBase())
                .set("llm", "model", "gpt-4o")
                .set("llm", "max-tokens", 256)
                .env("OPENAI_API_KEY", "sk-test")
                .telemetry(new LlmTelemetry(tracer, meters))
                .handler("llm", connection, clock);
    }

    private void handleInProcessSpan(LlmHandler handler) throws Exception {
        Span process = tracer.spanBuilder("process fleet:{llm}:tasks").startSpan();
        try (Scope ignored = process.makeCurrent()) {
            handler.handle(taskWithInput("llm", "hi"), contextFor("llm", clock));
        } finally {
            process.end();
        }
    }

    private SpanData span(String name) {
        return exporter.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + exporter.getFinishedSpanItems()));
    }

    private double gauge(String name) {
        return meters.get(name).gauge().value();
    }

    @Test
    void providerCallIsAGenAiClientSpanUnderTheTasksProcessSpan() throws Exception {
        provider.then(Reply.answer("ok", 120, 8));

        handleInProcessSpan(handler(config().set("llm", "temperature", 0.3)));

        SpanData process = span("process fleet:{llm}:tasks");
        SpanData call = span("chat gpt-4o");
        assertEquals(SpanKind.CLIENT, call.getKind());
        assertEquals(process.getSpanId(), call.getParentSpanId());
        assertEquals(process.getTraceId(), call.getTraceId());
        assertEquals("chat", call.getAttributes().get(LlmTelemetry.OPERATION));
        assertEquals("openai", call.getAttributes().get(LlmTelemetry.PROVIDER));
        assertEquals("openai", call.getAttributes().get(LlmTelemetry.SYSTEM));
        assertEquals("gpt-4o", call.getAttributes().get(LlmTelemetry.REQUEST_MODEL));
        assertEquals("gpt-4o", call.getAttributes().get(LlmTelemetry.RESPONSE_MODEL));
        assertEquals(256L, call.getAttributes().get(LlmTelemetry.REQUEST_MAX_TOKENS));
        assertEquals(120L, call.getAttributes().get(LlmTelemetry.INPUT_TOKENS));
        assertEquals(8L, call.getAttributes().get(LlmTelemetry.OUTPUT_TOKENS));
        assertEquals(List.of("stop"), call.getAttributes().get(LlmTelemetry.FINISH_REASONS));
        assertEquals(0.3, call.getAttributes().get(LlmTelemetry.REQUEST_TEMPERATURE));
        assertEquals("chatcmpl-fake", call.getAttributes().get(LlmTelemetry.RESPONSE_ID));
        assertEquals("127.0.0.1", call.getAttributes().get(LlmTelemetry.SERVER_ADDRESS));
        assertEquals(
                (long) provider.openAiBase().getPort(), call.getAttributes().get(LlmTelemetry.SERVER_PORT));
    }

    @Test
    void failedCallEndsItsSpanWithTheErrorTypeAndIsTimedByStatus() {
        provider.then(Reply.status(500, "{\"error\":{\"message\":\"boom\"}}"));

        assertThrows(HandlerFailure.class, () -> handleInProcessSpan(handler(config())));

        SpanData call = span("chat gpt-4o");
        assertEquals(StatusCode.ERROR, call.getStatus().getStatusCode());
        assertEquals("PROVIDER_ERROR", call.getAttributes().get(LlmTelemetry.ERROR_TYPE));
        assertEquals(
                1,
                meters.get("fleet.llm.request.duration")
                        .tags("provider", "openai", "model", "gpt-4o", "status", "PROVIDER_ERROR")
                        .timer()
                        .count());
    }

    @Test
    void breakerStateGaugeOpensWhenTheProviderFailsAndClosesAfterASuccessfulTrial() throws Exception {
        LlmHandler handler =
                handler(config().set("llm", "circuit-failure-threshold", 2).set("llm", "circuit-open-duration", "30s"));
        provider.then(Reply.answer("ok"), Reply.status(503, "down"), Reply.status(503, "down"));

        handler.handle(taskWithInput("llm", "x"), contextFor("llm", clock));
        assertEquals(0.0, gauge("fleet.llm.circuit.state"), "closed");
        for (int i = 0; i < 2; i++) {
            assertThrows(
                    HandlerFailure.class, () -> handler.handle(taskWithInput("llm", "x"), contextFor("llm", clock)));
        }
        assertEquals(2.0, gauge("fleet.llm.circuit.state"), "open");

        clock.advance(Duration.ofSeconds(30));
        handler.handle(taskWithInput("llm", "x"), contextFor("llm", clock));
        assertEquals(0.0, gauge("fleet.llm.circuit.state"), "closed again by the trial call");
    }

    @Test
    void tokensCostAndRateLimitWaitAreMeteredByModel() throws Exception {
        provider.then(Reply.answer("ok", 1_000_000, 500_000));

        handler(config().set("llm", "requests-per-minute", 600)
                        .set("llm", "price-in-per-1m", 2)
                        .set("llm", "price-out-per-1m", 8))
                .handle(taskWithInput("llm", "x"), contextFor("llm", clock));

        assertEquals(
                1_000_000,
                meters.get("fleet.llm.tokens")
                        .tags("model", "gpt-4o", "direction", "in")
                        .counter()
                        .count());
        assertEquals(
                500_000,
                meters.get("fleet.llm.tokens")
                        .tags("model", "gpt-4o", "direction", "out")
                        .counter()
                        .count());
        assertEquals(
                2 + 4,
                meters.get("fleet.llm.cost").tags("model", "gpt-4o").counter().count(),
                1e-9);
        assertEquals(
                1,
                meters.get("fleet.llm.rate.limit.wait")
                        .tags("model", "gpt-4o")
                        .timer()
                        .count());
    }
}
