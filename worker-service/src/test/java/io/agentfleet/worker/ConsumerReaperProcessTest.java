package io.agentfleet.worker;

import static io.agentfleet.worker.TestFleet.KEYS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.StreamKeys;
import io.agentfleet.testsupport.Await;
import io.agentfleet.testsupport.JavaProcess;
import io.agentfleet.testsupport.Prometheus;
import io.agentfleet.testsupport.RedisExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamConsumerInfo;

/**
 * The consumer reaper with real worker processes: workers killed with {@code kill -9} leave the {@code workers} group
 * once their entries were reclaimed and they were idle past the threshold, and a live worker busy longer than the
 * threshold is never removed. The threshold is 3 s here (10 min by default).
 */
class ConsumerReaperProcessTest {
    @RegisterExtension
    static final RedisExtension redis = RedisExtension.create();

    private static final Duration THRESHOLD = Duration.ofSeconds(3);
    /** Two rounds of three kills, each victim holding entries; every kill is checked the same way, so more add time only. */
    private static final int FLEET_SIZE = 3;

    private static final int ROUNDS = 2;
    private static final Duration GHOSTS_GONE = Duration.ofSeconds(60);

    private static JavaProcess.Builder reapingWorker(String agent, String consumer) {
        String upper = agent.toUpperCase();
        return TestFleet.worker(
                        redis.uri(),
                        agent,
                        "FLEET_CONSUMER_NAME",
                        consumer,
                        "FLEET_CONSUMER_REAPER_IDLE_THRESHOLD",
                        THRESHOLD.toMillis() + "ms",
                        "FLEET_CONSUMER_REAPER_INTERVAL",
                        "500ms",
                        "FLEET_AGENTS_" + upper + "_HANDLER",
                        "sleep",
                        "FLEET_AGENTS_" + upper + "_MAX_IN_FLIGHT",
                        "4",
                        // A task may be caught in several kills in a row; it must not run out of attempts here.
                        "FLEET_AGENTS_" + upper + "_MAX_ATTEMPTS",
                        "50")
                .jvmArg("-Xmx96m", "-Xss512k");
    }

    /** Starts a batch of workers together (JVM start-up overlaps), then waits until each reads. */
    private static List<JavaProcess> startBatch(String agent, List<String> names) {
        List<JavaProcess> batch = new ArrayList<>();
        for (String name : names) {
            batch.add(reapingWorker(agent, name).start());
        }
        for (JavaProcess p : batch) {
            p.awaitLog("Startup completed", TestFleet.STARTUP);
            p.awaitLog("reading " + KEYS.tasks(agent), TestFleet.STARTUP);
        }
        return batch;
    }

    @Test
    void killedWorkersLeaveTheGroupAndEveryTaskTheyHeldCompletes() {
        String agent = "reap";
        String stream = KEYS.tasks(agent);
        List<AgentMessage> tasks = new ArrayList<>();
        Set<String> killed = new TreeSet<>();
        Map<String, Long> pendingAtKill = new HashMap<>();
        List<JavaProcess> all = new ArrayList<>();
        try (UnifiedJedis jedis = redis.client();
                GhostWatch watch = new GhostWatch(redis.client(), stream)) {
            long lastKill = 0;
            List<JavaProcess> fleet = startBatch(agent, names(0));
            all.addAll(fleet);
            for (int round = 1; round <= ROUNDS; round++) {
                List<AgentMessage> batch = new ArrayList<>();
                for (int i = 0; i < FLEET_SIZE * 4 * 2; i++) {
                    batch.add(TestFleet.task(agent, "{\"ms\":1500}"));
                }
                tasks.addAll(batch);
                TestFleet.enqueue(jedis, agent, batch);
                List<String> victims = names(round - 1);
                Await.until(
                        Duration.ofSeconds(60),
                        () -> victims.stream().allMatch(v -> pendingOf(jedis, stream, v) > 0),
                        "every worker of round " + (round - 1) + " holding a task");
                for (int i = 0; i < fleet.size(); i++) {
                    fleet.get(i).kill9();
                    watch.killed(victims.get(i));
                    pendingAtKill.put(victims.get(i), pendingOf(jedis, stream, victims.get(i)));
                }
                lastKill = System.nanoTime();
                killed.addAll(victims);
                fleet = startBatch(agent, names(round));
                all.addAll(fleet);
            }
            Set<String> live = new TreeSet<>(names(ROUNDS));

            Await.until(GHOSTS_GONE, () -> consumers(jedis, stream).equals(live), "only the live workers in the group");
            System.out.printf(
                    "the group shrank to the %d live workers %d ms after the last kills; each killed worker left the"
                            + " group at most %d ms after its kill (threshold %d ms, claim-after 2000 ms, interval 500"
                            + " ms)%n",
                    live.size(),
                    Duration.ofNanos(System.nanoTime() - lastKill).toMillis(),
                    watch.longestKillToRemovalMillis(),
                    THRESHOLD.toMillis());

            assertEquals(ROUNDS * FLEET_SIZE, killed.size());
            assertTrue(
                    pendingAtKill.values().stream().allMatch(n -> n > 0),
                    "every killed worker held entries: " + pendingAtKill);
            Await.until(
                    Duration.ofSeconds(120),
                    () -> TestFleet.doneCount(jedis, agent) == tasks.size(),
                    tasks.size() + " tasks with an outcome");
            Map<String, Integer> results = TestFleet.resultCountByTask(jedis, agent);
            assertEquals(tasks.size(), results.size());
            assertTrue(tasks.stream().allMatch(t -> results.get(t.taskId()) == 1), "a task recorded twice or never");
            assertTrue(TestFleet.deadLetters(jedis, agent).isEmpty(), "no dead letters");
            Await.until(
                    Duration.ofSeconds(20),
                    () -> jedis.xpending(stream, StreamKeys.WORKERS_GROUP).getTotal() == 0,
                    "nothing left pending");
            assertEquals(live, consumers(jedis, stream));
        } finally {
            all.forEach(JavaProcess::close);
        }
    }

    @Test
    void liveWorkerRunningATaskLongerThanTheThresholdIsNotReaped() {
        String agent = "slowreap";
        String stream = KEYS.tasks(agent);
        try (UnifiedJedis jedis = redis.client();
                JavaProcess busy = TestFleet.startWorker(oneSlot(reapingWorker(agent, "busy")), agent);
                JavaProcess idle = TestFleet.startWorker(oneSlot(reapingWorker(agent, "idle")), agent)) {
            jedis.xgroupCreateConsumer(stream, StreamKeys.WORKERS_GROUP, "ghost");
            AgentMessage task =
                    TestFleet.task(agent, "{\"ms\":" + THRESHOLD.multipliedBy(3).toMillis() + "}");
            TestFleet.enqueue(jedis, task);
            Await.until(
                    Duration.ofSeconds(30),
                    () -> jedis.xpending(stream, StreamKeys.WORKERS_GROUP).getTotal() == 1,
                    "the task in flight");

            Set<String> seen = new TreeSet<>(Set.of("busy", "idle"));
            while (TestFleet.outcome(jedis, agent, task.taskId()) == null) {
                Set<String> now = consumers(jedis, stream);
                assertTrue(now.containsAll(seen), "a live worker was removed while the task ran: " + now);
                sleep(100);
            }

            assertTrue(!consumers(jedis, stream).contains("ghost"), "the idle ghost was reaped meanwhile");
            AgentMessage outcome = TestFleet.outcome(jedis, agent, task.taskId());
            assertEquals(1, outcome.attempt(), "the task ran once, on its first delivery");
            assertEquals(1, TestFleet.results(jedis, agent).size());
            assertTrue(busy.isAlive() && idle.isAlive());
            String series = "{agent=\"" + agent + "\",group=\"workers\",partition=\"0\"}";
            Await.until(
                    Duration.ofSeconds(20),
                    () -> {
                        String metrics = Prometheus.scrape(TestFleet.httpPort(busy));
                        return Prometheus.sample(metrics, "fleet_consumers" + series) == 2
                                && Prometheus.sample(metrics, "fleet_consumers_live" + series) == 2;
                    },
                    "the consumer gauges counting the two live workers");
            assertTrue(
                    busy.logText().contains("removed 1 ghost consumer")
                            || idle.logText().contains("removed 1 ghost consumer"),
                    "a reaper logged the removal");
        }
    }

    /**
     * One in-flight slot: the worker holding the task stops reading until it is done, so only its lease renewals
     * (XCLAIM every lease/3) touch its consumer.
     */
    private static JavaProcess.Builder oneSlot(JavaProcess.Builder worker) {
        return worker.env("FLEET_AGENTS_SLOWREAP_MAX_IN_FLIGHT", "1");
    }

    /** Polls the group every 100 ms and notes, per killed consumer, when it was first gone. */
    private static final class GhostWatch implements AutoCloseable {
        private final UnifiedJedis jedis;
        private final String stream;
        private final Map<String, long[]> ghosts = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        GhostWatch(UnifiedJedis jedis, String stream) {
            this.jedis = jedis;
            this.stream = stream;
            this.thread = Thread.ofVirtual().start(this::poll);
        }

        /** Killed now: {killed, gone} in nanos, 0 until seen. */
        void killed(String consumer) {
            ghosts.put(consumer, new long[] {System.nanoTime(), 0});
        }

        private void poll() {
            while (running) {
                Set<String> present = consumers(jedis, stream);
                long now = System.nanoTime();
                ghosts.forEach((name, times) -> {
                    if (times[1] == 0 && !present.contains(name)) {
                        times[1] = now;
                    }
                });
                sleep(100);
            }
        }

        long longestKillToRemovalMillis() {
            long longest = 0;
            for (long[] t : ghosts.values()) {
                long gone = t[1] == 0 ? System.nanoTime() : t[1];
                longest = Math.max(longest, Duration.ofNanos(gone - t[0]).toMillis());
            }
            return longest;
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            jedis.close();
        }
    }

    private static List<String> names(int round) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < FLEET_SIZE; i++) {
            names.add("w" + round + "-" + i);
        }
        return names;
    }

    private static Set<String> consumers(UnifiedJedis jedis, String stream) {
        Set<String> names = new TreeSet<>();
        for (StreamConsumerInfo c : jedis.xinfoConsumers2(stream, StreamKeys.WORKERS_GROUP)) {
            names.add(c.getName());
        }
        return names;
    }

    private static long pendingOf(UnifiedJedis jedis, String stream, String consumer) {
        for (StreamConsumerInfo c : jedis.xinfoConsumers2(stream, StreamKeys.WORKERS_GROUP)) {
            if (c.getName().equals(consumer)) {
                return c.getPending();
            }
        }
        return 0;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
