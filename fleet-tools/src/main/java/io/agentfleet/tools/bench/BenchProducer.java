package io.agentfleet.tools.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.client.TaskHandle;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.StreamKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The producer side of a workload, run as its own JVM (as another service would be). Prints one line
 * {@code RESULT key=value ...} that {@link BenchMain} parses.
 *
 * <pre>
 * batch REDIS_URL AGENT COUNT BATCH CONTENT_MS ROUNDS   enqueue COUNT tasks in batches, wait for all results
 * paced REDIS_URL AGENT RATE SECONDS ROUNDS             enqueue one at a time at RATE/s, measure enqueue-to-result latency
 * batch-prio REDIS_URL AGENT COUNT BATCH CONTENT_MS HIGH_EVERY ROUNDS
 *                                                       batch with every HIGH_EVERY-th task at HIGH priority; also the
 *                                                       p99 enqueue-to-result latency of the HIGH and the NORMAL tasks
 * </pre>
 *
 * <p>Each round runs the whole workload again against the same worker. The first round is the cold figure (fresh
 * JVMs: JIT warm-up included); later rounds print their figures prefixed {@code warm_} (the last round wins), the
 * steady state of long-running services.
 */
public final class BenchProducer {
    private static final String INPUT = "x".repeat(1000);

    private BenchProducer() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String redisUrl = args[1];
        String agent = args[2];
        try (FleetClient client = connect(redisUrl)) {
            int rounds = Integer.parseInt(args[args.length - 1]);
            for (int round = 1; round <= rounds; round++) {
                String prefix = round == 1 ? "" : "warm_";
                switch (mode) {
                    case "batch" ->
                        batch(
                                client,
                                redisUrl,
                                agent,
                                Integer.parseInt(args[3]),
                                Integer.parseInt(args[4]),
                                Long.parseLong(args[5]),
                                0,
                                prefix);
                    case "batch-prio" ->
                        batch(
                                client,
                                redisUrl,
                                agent,
                                Integer.parseInt(args[3]),
                                Integer.parseInt(args[4]),
                                Long.parseLong(args[5]),
                                Integer.parseInt(args[6]),
                                prefix);
                    case "paced" ->
                        paced(client, redisUrl, agent, Integer.parseInt(args[3]), Integer.parseInt(args[4]), prefix);
                    default -> throw new IllegalArgumentException("unknown mode " + mode);
                }
            }
            System.out.printf("RESULT producer_cpu_s=%.2f%n", ProcessCpu.ofThisProcess());
        }
        System.exit(0);
    }

    /**
     * The producer's client: partition counts from {@code FLEET_AGENTS_<TYPE>_PARTITIONS} and the durability setting
     * from {@code FLEET_REDIS_WAIT_REPLICAS} / {@code FLEET_REDIS_WAIT_TIMEOUT} (seconds or e.g. {@code 500ms}), as
     * the harness sets them for W5.
     */
    static FleetClient connect(String redisUrl) {
        FleetClientOptions.Builder options =
                FleetClientOptions.builder().redisUri(redisUrl).environment(System::getenv);
        String replicas = System.getenv("FLEET_REDIS_WAIT_REPLICAS");
        if (replicas != null && !replicas.isBlank() && Integer.parseInt(replicas.trim()) > 0) {
            options.waitReplicas(
                    Integer.parseInt(replicas.trim()), waitTimeout(System.getenv("FLEET_REDIS_WAIT_TIMEOUT")));
        }
        return FleetClient.connect(options.build());
    }

    private static Duration waitTimeout(String value) {
        if (value == null || value.isBlank()) {
            return Duration.ofSeconds(1);
        }
        String v = value.trim();
        return v.endsWith("ms")
                ? Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)))
                : Duration.ofSeconds(Long.parseLong(v.endsWith("s") ? v.substring(0, v.length() - 1) : v));
    }

    /** A bench task's content: the 1,000-character input, and how long the sleep handler waits when above 0. */
    static ObjectNode content(long sleepMs) {
        ObjectNode content = JsonNodeFactory.instance.objectNode().put("input", INPUT);
        if (sleepMs > 0) {
            content.put("ms", sleepMs);
        }
        return content;
    }

    /**
     * Enqueues {@code count} tasks in batches and waits until every partition's results stream holds an outcome for
     * each. End to end = tasks / (first enqueue → newest result of any partition), both from stream entry ids, i.e.
     * Redis' clocks (on a local cluster, one machine's clock).
     */
    private static void batch(
            FleetClient client,
            String redisUrl,
            String agent,
            int count,
            int batchSize,
            long sleepMs,
            int highEvery,
            String prefix)
            throws InterruptedException {
        Map<String, Long> enqueuedHigh = new ConcurrentHashMap<>();
        Map<String, Long> enqueuedNormal = new ConcurrentHashMap<>();
        int partitions = client.writePartitions(agent);
        try (UnifiedJedis jedis = BenchRedis.open(redisUrl)) {
            long resultsBefore = resultCount(jedis, agent, partitions);
            long start = System.nanoTime();
            String firstEntry = null;
            for (int sent = 0; sent < count; sent += batchSize) {
                List<AgentMessage> batch = new ArrayList<>(batchSize);
                for (int i = 0; i < Math.min(batchSize, count - sent); i++) {
                    boolean high = highEvery > 0 && (sent + i) % highEvery == 0;
                    batch.add(AgentMessage.request(agent, content(sleepMs))
                            .sender("bench")
                            .priority(high ? Priority.HIGH : Priority.NORMAL)
                            .build());
                }
                List<TaskHandle> handles = client.submitAll(batch);
                if (highEvery > 0) {
                    for (int i = 0; i < handles.size(); i++) {
                        TaskHandle h = handles.get(i);
                        (batch.get(i).priority() == Priority.HIGH ? enqueuedHigh : enqueuedNormal)
                                .put(h.taskId(), millisOf(h.entryId()));
                    }
                }
                if (firstEntry == null) {
                    firstEntry = handles.stream()
                            .map(TaskHandle::entryId)
                            .min(Comparator.comparingLong(BenchProducer::millisOf))
                            .orElseThrow();
                }
            }
            double enqueueSeconds = (System.nanoTime() - start) / 1e9;
            while (resultCount(jedis, agent, partitions) < resultsBefore + count) {
                Thread.sleep(5);
            }
            long lastMillis = 0;
            for (int p = 0; p < partitions; p++) {
                StreamEntryID newest = newestEntry(jedis, StreamKeys.DEFAULT.results(agent, p));
                lastMillis = Math.max(lastMillis, newest.getTime());
            }
            long drainMs = lastMillis - millisOf(firstEntry);
            System.out.printf(
                    "RESULT %1$senqueue_per_s=%2$.0f %1$sdrain_ms=%3$d %1$send_to_end_per_s=%4$.0f%n",
                    prefix, count / enqueueSeconds, drainMs, count * 1000.0 / Math.max(1, drainMs));
            if (highEvery > 0) {
                printLevelLatencies(jedis, agent, partitions, firstEntry, enqueuedHigh, enqueuedNormal, prefix);
            }
        }
    }

    /** p99 of enqueue-to-result time (both from stream entry ids) of the HIGH and of the NORMAL tasks of a round. */
    private static void printLevelLatencies(
            UnifiedJedis jedis,
            String agent,
            int partitions,
            String firstEntry,
            Map<String, Long> high,
            Map<String, Long> normal,
            String prefix) {
        List<Long> highMs = new ArrayList<>();
        List<Long> normalMs = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            String from = firstEntry;
            List<StreamEntry> page;
            do {
                page = jedis.xrange(StreamKeys.DEFAULT.results(agent, p), from, "+", 10_000);
                for (StreamEntry e : page) {
                    String taskId = e.getFields().get("taskId");
                    long at = e.getID().getTime();
                    if (high.containsKey(taskId)) {
                        highMs.add(at - high.get(taskId));
                    } else if (normal.containsKey(taskId)) {
                        normalMs.add(at - normal.get(taskId));
                    }
                }
                from = page.isEmpty() ? from : "(" + page.getLast().getID();
            } while (page.size() == 10_000);
        }
        System.out.printf("RESULT %1$shigh_p99_ms=%2$d %1$snormal_p99_ms=%3$d%n", prefix, p99(highMs), p99(normalMs));
    }

    private static long p99(List<Long> values) {
        if (values.isEmpty()) {
            return -1;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)];
    }

    /** Outcomes on the results streams of all {@code partitions} of {@code agent}. */
    private static long resultCount(UnifiedJedis jedis, String agent, int partitions) {
        long total = 0;
        for (int p = 0; p < partitions; p++) {
            total += jedis.xlen(StreamKeys.DEFAULT.results(agent, p));
        }
        return total;
    }

    /**
     * Enqueues one task at a time at {@code rate}/s and measures each one's enqueue-to-result latency; on a partitioned
     * agent type one reader per partition awaits the results (a cluster cannot XREAD streams of different slots at once).
     */
    private static void paced(FleetClient client, String redisUrl, String agent, int rate, int seconds, String prefix)
            throws Exception {
        int count = rate * seconds;
        int partitions = client.writePartitions(agent);
        Map<String, Long> sentAt = new ConcurrentHashMap<>(count * 2);
        long[] latencies = new long[count];
        AtomicInteger seen = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        try (UnifiedJedis jedis = BenchRedis.open(redisUrl)) {
            for (int p = 0; p < partitions; p++) {
                String results = StreamKeys.DEFAULT.results(agent, p);
                StreamEntryID from = newestEntry(jedis, results);
                readers.add(Thread.ofPlatform()
                        .daemon()
                        .start(() -> readResults(redisUrl, results, from, count, sentAt, latencies, seen)));
            }
        }
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long due = start + i * intervalNanos;
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(Math.max(1_000, due - System.nanoTime() - 50_000));
            }
            AgentMessage task =
                    AgentMessage.request(agent, content(0)).sender("bench").build();
            sentAt.put(task.taskId(), System.nanoTime());
            client.submit(task);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + seconds);
        for (Thread reader : readers) {
            reader.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        long[] measured = Arrays.copyOf(latencies, Math.min(count, seen.get()));
        // Per second of the run (in arrival order), so warm-up and stalls show in the log.
        for (int at = 0; at < measured.length; at += rate) {
            long[] second = Arrays.copyOfRange(measured, at, Math.min(measured.length, at + rate));
            Arrays.sort(second);
            System.out.printf(
                    "%ssecond %d: p50_ms=%.3f p99_ms=%.3f max_ms=%.3f%n",
                    prefix, at / rate + 1, pct(second, 0.5), pct(second, 0.99), second[second.length - 1] / 1e6);
        }
        Arrays.sort(measured);
        System.out.printf(
                "RESULT %1$sp50_ms=%2$.3f %1$sp99_ms=%3$.3f %1$smax_ms=%4$.3f %1$smeasured=%5$d%n",
                prefix,
                pct(measured, 0.50),
                pct(measured, 0.99),
                measured.length == 0 ? Double.NaN : measured[measured.length - 1] / 1e6,
                measured.length);
    }

    /** Reads one results stream until {@code count} latencies are in, over all readers. */
    private static void readResults(
            String redisUrl,
            String results,
            StreamEntryID from,
            int count,
            Map<String, Long> sentAt,
            long[] latencies,
            AtomicInteger seen) {
        StreamEntryID last = from;
        try (UnifiedJedis jedis = BenchRedis.open(redisUrl)) {
            while (seen.get() < count) {
                var reply = jedis.xread(XReadParams.xReadParams().block(1000).count(1000), Map.of(results, last));
                if (reply == null) {
                    continue;
                }
                for (var stream : reply) {
                    for (StreamEntry entry : stream.getValue()) {
                        long now = System.nanoTime();
                        last = entry.getID();
                        Long sent = sentAt.get(entry.getFields().get("taskId"));
                        if (sent != null) {
                            int at = seen.getAndIncrement();
                            if (at < count) {
                                latencies[at] = now - sent;
                            }
                        }
                    }
                }
            }
        }
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    /** The id of a stream's newest entry, or 0-0 when it has none: where a reader of what comes next starts. */
    static StreamEntryID newestEntry(UnifiedJedis jedis, String stream) {
        List<StreamEntry> newest = jedis.xrevrange(stream, "+", "-", 1);
        return newest.isEmpty() ? new StreamEntryID(0, 0) : newest.get(0).getID();
    }

    static long millisOf(String entryId) {
        return Long.parseLong(entryId.substring(0, entryId.indexOf('-')));
    }
}
