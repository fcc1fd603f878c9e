package io.agentfleet.tools.partitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.RedisExtension;
import io.agentfleet.tools.testing.ProjectDirs;
import io.agentfleet.tools.testing.ResultStreams;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;

/**
 * A partitioned agent type on a Redis Cluster, served by real worker processes: 10,000 tasks spread over its
 * partitions get exactly one outcome each, and raising the partition count from 3 to 5 in the middle (a producer
 * configured with 5) loses nothing: the workers pick up the new partitions by themselves.
 */
class PartitionedTypeTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.ownedCluster();

    private static final String AGENT = "echo";
    private static final int TASKS = 10_000;
    private static final int BATCH = 500;
    private static final Duration STARTUP = Duration.ofSeconds(90);
    private static final Duration DRAIN = Duration.ofSeconds(120);

    private final List<JavaProcess> workers = new ArrayList<>();

    @AfterEach
    void stopWorkers() {
        workers.forEach(JavaProcess::close);
    }

    @Test
    void tenThousandTasksOverThreeThenFivePartitionsEachEndWithOneOutcome() throws Exception {
        startWorkers(3);
        Set<String> taskIds = new HashSet<>();
        try (FleetClient three = client(3)) {
            submit(three, 0, TASKS / 2, taskIds);
        }
        try (FleetClient five = client(5)) {
            assertEquals(5, five.admin().partitions(AGENT), "the producer configured with 5 registered them");
            submit(five, TASKS / 2, TASKS, taskIds);
        }

        Map<String, Integer> outcomes = new HashMap<>();
        Await.until(
                DRAIN,
                () -> {
                    outcomes.clear();
                    try (UnifiedJedis jedis = redis.client()) {
                        outcomes.putAll(ResultStreams.outcomesPerTask(jedis, AGENT, 5, "part-"));
                    }
                    return outcomes.keySet().containsAll(taskIds);
                },
                "an outcome for each of the " + TASKS + " tasks");
        assertEquals(TASKS, outcomes.size());
        assertEquals(List.of(), ResultStreams.recordedTwice(outcomes), "tasks with more than one outcome");
        try (UnifiedJedis jedis = redis.client()) {
            for (int p = 0; p < 5; p++) {
                String results = StreamKeys.DEFAULT.results(AGENT, p);
                assertTrue(jedis.exists(results) && jedis.xlen(results) > 0, "partition " + p + " served");
                assertEquals(0, jedis.xlen(StreamKeys.DEFAULT.tasks(AGENT, p)), "partition " + p + " drained");
            }
        }
    }

    private void submit(FleetClient client, int from, int to, Set<String> taskIds) {
        for (int sent = from; sent < to; sent += BATCH) {
            List<AgentMessage> batch = new ArrayList<>(BATCH);
            for (int i = sent; i < Math.min(to, sent + BATCH); i++) {
                batch.add(AgentMessage.request(
                                AGENT, JsonNodeFactory.instance.objectNode().put("text", "task " + i))
                        .taskId("part-" + i)
                        .sender("partition-test")
                        .build());
            }
            client.submitAll(batch);
            batch.forEach(t -> taskIds.add(t.taskId()));
        }
    }

    private static FleetClient client(int partitions) {
        return FleetClient.connect(FleetClientOptions.builder()
                .redisUri(redis.uri())
                .partitions(AGENT, partitions)
                .build());
    }

    private void startWorkers(int partitions) throws IOException {
        Path logs = Files.createDirectories(ProjectDirs.root().resolve("fleet-tools/target/partitions"));
        for (int i = 1; i <= 2; i++) {
            Path log = logs.resolve("worker-" + i + ".log");
            Files.deleteIfExists(log);
            workers.add(JavaProcess.builder("io.agentfleet.worker.WorkerApplication")
                    .classPath(ProjectDirs.workerJar())
                    .jvmArg("-Xmx256m", "-XX:TieredStopAtLevel=1")
                    .env("REDIS_URL", redis.uri())
                    .env("FLEET_AGENTS", AGENT)
                    .env(StreamKeys.partitionsVariable(AGENT), Integer.toString(partitions))
                    .env("MICRONAUT_SERVER_PORT", "-1")
                    .env("POD_NAME", "partition-worker-" + i)
                    .logTo(log)
                    .start());
        }
        Await.until(
                STARTUP,
                () -> {
                    try (UnifiedJedis jedis = redis.client()) {
                        for (int p = 0; p < partitions; p++) {
                            String tasks = StreamKeys.DEFAULT.tasks(AGENT, p);
                            if (!jedis.exists(tasks)
                                    || jedis.xinfoGroups(tasks).stream().noneMatch(g -> g.getConsumers() >= 2)) {
                                return false;
                            }
                        }
                        return true;
                    }
                },
                "two workers consuming every partition; logs in " + logs);
    }
}
