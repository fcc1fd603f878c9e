package io.agentfleet.orchestrator.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetConnection;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.workflow.RunService;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.micronaut.http.sse.Event;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * Server-Sent Events of a run: every entry of its events stream in order, event id = stream entry id, replayable from
 * any id; the stream ends after RUN_FINISHED. Each follower blocks on its own connection (XREAD BLOCK), so a follower
 * costs no polling.
 */
@Singleton
public class RunEvents {
    private static final Duration BLOCK = Duration.ofSeconds(5);

    private final FleetRedis redis;
    private final RunService runs;
    private final StreamKeys keys;
    private final ObjectMapper mapper = new ObjectMapper();

    public RunEvents(FleetRedis redis, RunService runs, OrchestratorConfig config) {
        this.redis = redis;
        this.runs = runs;
        this.keys = config.keys();
    }

    public Publisher<Event<String>> follow(String runId, String afterId) {
        return Flux.create(
                sink -> {
                    Thread reader = Thread.ofVirtual().name("sse-" + runId).start(() -> pump(runId, afterId, sink));
                    sink.onDispose(reader::interrupt);
                },
                FluxSink.OverflowStrategy.BUFFER);
    }

    private void pump(String runId, String afterId, FluxSink<Event<String>> sink) {
        String last = afterId == null ? "0-0" : afterId;
        boolean endSeen = false;
        try (FleetConnection<String, String> connection = redis.dedicated()) {
            while (!sink.isCancelled()) {
                XReadArgs args = XReadArgs.Builder.count(100);
                if (!endSeen) {
                    args.block(BLOCK);
                }
                List<StreamMessage<String, String>> batch =
                        connection.sync().xread(args, XReadArgs.StreamOffset.from(keys.runEvents(runId), last));
                boolean finished = false;
                if (batch != null) {
                    for (StreamMessage<String, String> entry : batch) {
                        String type = entry.getBody().get(RunEventType.TYPE_FIELD);
                        sink.next(Event.of(render(type, entry.getBody().get(RunEventType.DATA_FIELD)))
                                .id(entry.getId())
                                .name(type));
                        last = entry.getId();
                        finished |= RunEventType.parse(type)
                                .map(RunEventType::endsRun)
                                .orElse(false);
                    }
                }
                if (finished) {
                    break;
                }
                if (batch == null || batch.isEmpty()) {
                    if (endSeen) {
                        break;
                    }
                    RunState run = runs.get(runId);
                    // A finished run gets one more non-blocking read for events committed just before, then ends.
                    endSeen = run == null || run.status().isTerminal();
                }
            }
            sink.complete();
        } catch (RuntimeException e) {
            if (!sink.isCancelled()) {
                sink.error(e);
            }
        }
    }

    private String render(String type, String data) {
        try {
            JsonNode parsed = mapper.readTree(data == null ? "{}" : data);
            ObjectNode out = mapper.createObjectNode();
            out.put("type", type);
            if (parsed.isObject()) {
                out.setAll((ObjectNode) parsed);
            }
            return out.toString();
        } catch (Exception e) {
            return "{\"type\":\"" + type + "\"}";
        }
    }
}
