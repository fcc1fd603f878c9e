package io.agentfleet.client;

import static io.agentfleet.client.FakeWorker.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.testsupport.RedisExtension;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

class FleetClientTracingTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final String CODER = "coder";
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final MessageCodec codec = new MessageCodec();
    private OpenTelemetrySdk openTelemetry;
    private UnifiedJedis jedis;

    @BeforeEach
    void setUp() {
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        jedis = redis.client();
        jedis.flushAll();
    }

    @AfterEach
    void tearDown() {
        openTelemetry.close();
        jedis.close();
    }

    @Test
    void submittedTaskCarriesItsPublishSpan() {
        try (FleetClient client = tracedClient()) {
            TaskHandle handle = client.submit(
                    AgentMessage.request(CODER, json("input", "x")).build());

            SpanData span = spans.getFinishedSpanItems().getFirst();
            assertEquals("publish " + StreamKeys.DEFAULT.tasks(CODER), span.getName());
            assertEquals(SpanKind.PRODUCER, span.getKind());
            assertEquals(handle.taskId(), span.getAttributes().get(AttributeKey.stringKey("agentfleet.task.id")));
            TraceContext carried = enqueued().getFirst().trace();
            assertTrue(
                    carried.traceparent().startsWith("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"),
                    "the enqueued message carries the publish span's context: " + carried);
        }
    }

    @Test
    void eachTaskOfABatchGetsItsOwnSpanAndAContextItArrivedWithIsContinued() {
        TraceContext upstream = new TraceContext("00-" + TRACE_ID + "-00f067aa0ba902b7-01", null);
        try (FleetClient client = tracedClient()) {
            client.submitAll(List.of(
                    AgentMessage.request(CODER, json("input", "a"))
                            .trace(upstream)
                            .build(),
                    AgentMessage.request(CODER, json("input", "b")).build()));

            List<SpanData> finished = spans.getFinishedSpanItems();
            assertEquals(2, finished.size());
            assertEquals(TRACE_ID, finished.getFirst().getTraceId(), "a child of the context the task arrived with");
            assertEquals("00f067aa0ba902b7", finished.getFirst().getParentSpanId());
            List<AgentMessage> stored = enqueued();
            for (int i = 0; i < 2; i++) {
                assertTrue(stored.get(i)
                        .trace()
                        .traceparent()
                        .contains(finished.get(i).getSpanId()));
            }
        }
    }

    @Test
    void withoutOpenTelemetryTasksAreEnqueuedAsGiven() {
        try (FleetClient client = FleetClient.connect(redis.uri())) {
            client.submit(AgentMessage.request(CODER, json("input", "x")).build());
        }
        assertNull(enqueued().getFirst().trace());
        assertTrue(spans.getFinishedSpanItems().isEmpty());
    }

    private FleetClient tracedClient() {
        return FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .openTelemetry(openTelemetry)
                .build());
    }

    private List<AgentMessage> enqueued() {
        List<StreamEntry> entries = jedis.xrange(StreamKeys.DEFAULT.tasks(CODER), "-", "+");
        return entries.stream()
                .map(e -> codec.decode(e.getFields().get(StreamKeys.MESSAGE_FIELD)))
                .toList();
    }
}
