package io.agentfleet.tools.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentfleet.messages.StreamKeys;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;

/** Follows the events streams of the runs in flight; completes each run's future at its RUN_FINISHED event. */
final class RunWatcher implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BLOCK_MS = 2;

    private final Jedis jedis;
    private final Map<String, CompletableFuture<Finished>> watched = new ConcurrentHashMap<>();
    private final Map<String, String> runOfStream = new HashMap<>();
    private final Map<String, StreamEntryID> positions = new HashMap<>();
    private final Map<String, List<StreamEntry>> entries = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    RunWatcher(String redisUrl) {
        this.jedis = new Jedis(URI.create(redisUrl));
        this.thread = Thread.ofPlatform().name("run-watcher").daemon().unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    CompletableFuture<Finished> watch(String runId) {
        if (!running) {
            return CompletableFuture.failedFuture(new IllegalStateException("the run watcher has stopped"));
        }
        return watched.computeIfAbsent(runId, r -> new CompletableFuture<>());
    }

    private void loop() {
        try {
            follow();
        } catch (RuntimeException e) {
            running = false;
            watched.values().forEach(f -> f.completeExceptionally(e));
            System.out.println("run watcher failed: " + e);
        }
    }

    private void follow() {
        while (running) {
            for (String runId : watched.keySet()) {
                String stream = StreamKeys.DEFAULT.runEvents(runId);
                if (runOfStream.putIfAbsent(stream, runId) == null) {
                    positions.put(stream, new StreamEntryID(0, 0));
                }
            }
            if (positions.isEmpty()) {
                sleepBriefly();
                continue;
            }
            var reply = jedis.xread(XReadParams.xReadParams().block(BLOCK_MS).count(100), positions);
            if (reply == null) {
                continue;
            }
            long now = System.nanoTime();
            Instant seen = Instant.now();
            for (var stream : reply) {
                String key = stream.getKey();
                for (StreamEntry entry : stream.getValue()) {
                    positions.put(key, entry.getID());
                    entries.computeIfAbsent(key, k -> new ArrayList<>()).add(entry);
                    if ("RUN_FINISHED".equals(entry.getFields().get("type"))) {
                        finish(key, statusOf(entry.getFields().get("data")), now, seen);
                    }
                }
            }
        }
    }

    private void finish(String stream, String status, long now, Instant seen) {
        String runId = runOfStream.remove(stream);
        positions.remove(stream);
        List<StreamEntry> events = entries.remove(stream);
        CompletableFuture<Finished> future = watched.remove(runId);
        if (future != null) {
            future.complete(new Finished(status, now, seen, events));
        }
    }

    private static String statusOf(String data) {
        try {
            JsonNode node = MAPPER.readTree(data);
            return node.path("status").asText("UNKNOWN");
        } catch (Exception e) {
            return "UNKNOWN";
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        jedis.close();
    }

    /** A run's end as this process saw it: at {@code atNanos} (System.nanoTime()) and {@code seen} (wall clock). */
    record Finished(String status, long atNanos, Instant seen, List<StreamEntry> entries) {
        List<Event> events() {
            return entries.stream().map(Event::of).toList();
        }
    }

    /** An entry of a run's events stream: its type, the task it names (if any) and its {@code at} time. */
    record Event(String type, String taskId, Instant at) {
        static Event of(StreamEntry entry) {
            try {
                JsonNode data = MAPPER.readTree(entry.getFields().get("data"));
                return new Event(
                        entry.getFields().get("type"),
                        data.path("taskId").asText(null),
                        data.hasNonNull("at") ? Instant.parse(data.get("at").asText()) : null);
            } catch (Exception e) {
                return new Event(entry.getFields().get("type"), null, null);
            }
        }
    }
}
