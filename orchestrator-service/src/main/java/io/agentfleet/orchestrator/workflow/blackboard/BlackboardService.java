package io.agentfleet.orchestrator.workflow.blackboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.messages.RunEventData;
import io.agentfleet.messages.RunEventData.BlackboardEntry;
import io.agentfleet.messages.RunEventData.BlackboardEvent;
import io.agentfleet.messages.RunEventType;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.workflow.engine.BlackboardRollback;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import io.agentfleet.orchestrator.workflow.store.RunStores;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a run's blackboard history (its BLACKBOARD_* events) and rolls back one agent's or one task's writes, as one
 * transition committed against the run's version like every other.
 */
@Singleton
public class BlackboardService {
    private static final int PAGE = 500;
    private static final int MAX_COMMIT_ATTEMPTS = 20;

    private final FleetRedis redis;
    private final RunStore store;
    private final StreamKeys keys;
    private final ObjectMapper mapper;
    private final Clock clock;

    public BlackboardService(
            FleetRedis redis, RunStores stores, OrchestratorConfig config, MessageCodec codec, Clock clock) {
        this.redis = redis;
        this.store = stores.runs();
        this.keys = config.keys();
        this.mapper = codec.mapper();
        this.clock = clock;
    }

    /** The run's history, oldest first. Read after the run, it holds every entry of the run's version and maybe more. */
    public List<BlackboardEvent> history(String runId) {
        List<BlackboardEvent> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<StreamMessage<String, String>> page = redis.shared()
                    .sync()
                    .xrange(
                            keys.runEvents(runId),
                            Range.create(after == null ? "-" : "(" + after, "+"),
                            Limit.from(PAGE));
            for (StreamMessage<String, String> m : page) {
                BlackboardEvent event = blackboardEvent(m);
                if (event != null) {
                    out.add(event);
                }
            }
            if (page.size() < PAGE) {
                return out;
            }
            after = page.getLast().getId();
        }
    }

    private BlackboardEvent blackboardEvent(StreamMessage<String, String> m) {
        RunEventType type =
                RunEventType.parse(m.getBody().get(RunEventType.TYPE_FIELD)).orElse(null);
        if (type == null || !type.name().startsWith("BLACKBOARD_")) {
            return null;
        }
        try {
            ObjectNode data = (ObjectNode) mapper.readTree(m.getBody().get(RunEventType.DATA_FIELD));
            return RunEventData.of(type, data) instanceof BlackboardEvent e ? e : null;
        } catch (IOException e) {
            throw new UncheckedIOException("run event " + m.getId() + " is not JSON", e);
        }
    }

    /**
     * Rolls back {@code agent}'s or {@code taskId}'s writes (see {@link BlackboardRollback}); returns the history
     * entries added (empty when there was nothing to roll back), or null when the run does not exist.
     */
    public List<BlackboardEntry> rollback(String runId, String agent, String taskId) {
        for (int attempt = 0; attempt < MAX_COMMIT_ATTEMPTS; attempt++) {
            RunState run = store.load(runId);
            if (run == null) {
                return null;
            }
            List<BlackboardEntry> added = BlackboardRollback.apply(run, history(runId), agent, taskId, clock.instant());
            if (added.isEmpty() || store.commit(run).isPresent()) {
                return added;
            }
        }
        throw new IllegalStateException("run " + runId + " kept changing under " + MAX_COMMIT_ATTEMPTS + " attempts");
    }
}
