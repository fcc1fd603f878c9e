package io.agentfleet.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.example.ResumableAgent;
import com.example.ShoutAgent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.HandlerFailure;
import io.agentfleet.worker.spi.TaskCheckpoints;
import io.agentfleet.worker.spi.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The custom agent shown in the README compiles, is found through ServiceLoader, works, and is the README's code. */
class ReadmeCustomAgentTest {
    private final TaskContext context =
            new TaskContext("shout", "w1", 1, 3, Instant.now().plusSeconds(60), Clock.systemUTC(), new ObjectMapper());

    @Test
    void readmeShowsExactlyTheExampleThatCompiles() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String source = Files.readString(Path.of("src/test/java/com/example/ShoutAgent.java"));
        assertTrue(readme.contains(source.strip()), "README.md must contain com/example/ShoutAgent.java verbatim");
    }

    @Test
    void readmeShowsExactlyTheCheckpointExampleThatCompiles() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String source = Files.readString(Path.of("src/test/java/com/example/ResumableAgent.java"));
        assertTrue(readme.contains(source.strip()), "README.md must contain com/example/ResumableAgent.java verbatim");
    }

    @Test
    void checkpointExampleSkipsTheChaptersAnEarlierAttemptSaved() {
        ObjectMapper json = new ObjectMapper();
        TaskCheckpoints saved = TaskCheckpoints.inMemory(1, Clock.systemUTC());
        saved.save(
                json.createObjectNode().set("summaries", json.createArrayNode().add("saved by attempt 1")));
        TaskContext secondAttempt =
                new TaskContext("summarize", "w2", 2, 3, Instant.now().plusSeconds(60), Clock.systemUTC(), json, saved);
        AgentMessage task = AgentMessage.request(
                        "summarize",
                        json.createObjectNode()
                                .set(
                                        "chapters",
                                        json.createArrayNode()
                                                .add("one")
                                                .add("two")
                                                .add("three")))
                .build();
        String summaries = new ResumableAgent()
                .handle(task, secondAttempt)
                .output()
                .get("summaries")
                .toString();
        assertEquals("[\"saved by attempt 1\",\"two\",\"three\"]", summaries);
        assertEquals(
                summaries, saved.last().orElseThrow().data().get("summaries").toString());
    }

    @Test
    void customAgentIsFoundThroughServiceLoader() {
        assertTrue(ServiceLoader.load(AgentHandler.class).stream().anyMatch(p -> p.type() == ShoutAgent.class));
    }

    @Test
    void customAgentShoutsAndRejectsEmptyInputPermanently() throws Exception {
        ShoutAgent agent = new ShoutAgent();
        AgentMessage task = AgentMessage.request(
                        "shout", JsonNodeFactory.instance.objectNode().put("input", "hi"))
                .build();
        assertEquals("HI", agent.handle(task, context).output().get("text").asText());
        AgentMessage empty = AgentMessage.request("shout", JsonNodeFactory.instance.objectNode())
                .build();
        HandlerFailure failure = assertThrows(HandlerFailure.class, () -> agent.handle(empty, context));
        assertEquals(false, failure.failure().retryable());
    }
}
