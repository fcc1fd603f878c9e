package io.agentfleet.tracing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageCodec;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTracingTest {
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final MessageTracing tracing = new MessageTracing(sdk, "test");
    private final MessageCodec codec = new MessageCodec();

    @Test
    void processSpanIsAChildOfThePublishSpanAcrossTheWire() {
        AgentMessage task = AgentMessage.request("coder", JsonNodeFactory.instance.objectNode())
                .runId("r1")
                .build();
        Span publish = tracing.startPublish(Context.root(), "fleet:{coder}:tasks", task);
        AgentMessage sent = task.toBuilder()
                .trace(tracing.inject(Context.root().with(publish)))
                .build();
        publish.end();

        AgentMessage received = codec.decode(codec.encode(sent));
        Span process = tracing.startProcess("fleet:{coder}:tasks", "workers", "1-0", received);
        process.end();

        List<SpanData> spans = exporter.getFinishedSpanItems();
        SpanData publishData = spans.get(0);
        SpanData processData = spans.get(1);
        assertEquals(SpanKind.PRODUCER, publishData.getKind());
        assertEquals(SpanKind.CONSUMER, processData.getKind());
        assertEquals(publishData.getTraceId(), processData.getTraceId());
        assertEquals(publishData.getSpanId(), processData.getParentSpanId());
        assertEquals(
                publishData.getSpanId(),
                processData.getLinks().get(0).getSpanContext().getSpanId());
        assertEquals("workers", processData.getAttributes().get(MessageTracing.CONSUMER_GROUP));
        assertEquals("r1", processData.getAttributes().get(MessageTracing.RUN_ID));
        assertEquals(publishData.getTraceId(), MessageTracing.traceIdOf(received));
    }

    @Test
    void theNoopOpenTelemetryMeansTracingIsOff() {
        assertFalse(new MessageTracing(OpenTelemetry.noop(), "test").enabled());
        assertTrue(tracing.enabled());
    }
}
