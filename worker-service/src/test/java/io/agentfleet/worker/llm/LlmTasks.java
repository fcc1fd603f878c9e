package io.agentfleet.worker.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.TaskContext;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Test data builders for the LLM handler: configuration maps, tasks and contexts that read as prose. */
final class LlmTasks {
    private LlmTasks() {}

    /** A configuration (fleet.llm.* properties plus environment variables) built fluently. */
    static final class Config {
        private final Map<String, String> properties = new HashMap<>();
        private final Map<String, String> env = new HashMap<>();
        private LlmTelemetry telemetry = LlmTelemetry.disabled();

        Config set(String agentType, String key, Object value) {
            properties.put("fleet.llm." + agentType + "." + key, String.valueOf(value));
            return this;
        }

        Config telemetry(LlmTelemetry spansAndMeters) {
            this.telemetry = spansAndMeters;
            return this;
        }

        Config env(String name, String value) {
            env.put(name, value);
            return this;
        }

        LlmSettingsLoader loader() {
            Map<String, String> props = Map.copyOf(properties);
            Map<String, String> vars = Map.copyOf(env);
            return new LlmSettingsLoader(key -> Optional.ofNullable(props.get(key)), vars::get);
        }

        LlmSettings load(String agentType) {
            return loader().load(agentType);
        }

        LlmHandlerProvider provider(FleetRedis redis, Clock clock) {
            return new LlmHandlerProvider(loader(), redis, "fleet", clock, telemetry);
        }

        LlmHandler handler(String agentType, FleetRedis redis, Clock clock) {
            return provider(redis, clock).create(agentType);
        }
    }

    static Config config() {
        return new Config();
    }

    static ObjectNode content() {
        return JsonNodeFactory.instance.objectNode();
    }

    static AgentMessage task(String agentType, ObjectNode content) {
        return AgentMessage.request(agentType, content).build();
    }

    static AgentMessage taskWithInput(String agentType, String input) {
        ObjectNode content = content();
        content.put("input", input);
        return task(agentType, content);
    }

    static TaskContext contextFor(String agentType, Clock clock) {
        return new TaskContext(
                agentType,
                "test-worker",
                1,
                3,
                clock.instant().plus(Duration.ofSeconds(60)),
                clock,
                new ObjectMapper());
    }
}
