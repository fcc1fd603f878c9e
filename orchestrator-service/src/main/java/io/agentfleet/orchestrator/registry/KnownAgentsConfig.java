package io.agentfleet.orchestrator.registry;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Which agent types the orchestrator serves and how it reads their results.
 *
 * @param configured {@code fleet.orchestrator.allowed-agents}: types known without any worker having registered
 * @param refresh {@code fleet.orchestrator.agents-refresh}: how long a read of the registry ({@code prefix:agents})
 *     is used before it is read again, so a type a worker registers becomes usable within this time
 * @param missRefresh {@code fleet.orchestrator.agents-miss-refresh}: a name found neither configured nor in the cached
 *     registry triggers one fresh read, at most once per this interval, so hostile names cannot hammer Redis
 * @param streamsPerReader {@code fleet.orchestrator.streams-per-reader}: result streams one blocking XREADGROUP reads
 *     on one connection (standalone and Sentinel; a cluster reads each stream on its own, see {@code ResultConsumer})
 */
public record KnownAgentsConfig(Set<String> configured, Duration refresh, Duration missRefresh, int streamsPerReader) {
    public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MISS_REFRESH = Duration.ofSeconds(1);
    public static final int DEFAULT_STREAMS_PER_READER = 64;
    /** The most streams one XREADGROUP may name: the command grows with each, and so does Redis's work per call. */
    public static final int MAX_STREAMS_PER_READER = 1024;

    public KnownAgentsConfig {
        configured = Set.copyOf(configured);
        Objects.requireNonNull(refresh, "refresh");
        Objects.requireNonNull(missRefresh, "missRefresh");
        if (streamsPerReader < 1 || streamsPerReader > MAX_STREAMS_PER_READER) {
            throw new IllegalArgumentException(
                    "streamsPerReader must be from 1 to " + MAX_STREAMS_PER_READER + ", but was " + streamsPerReader);
        }
    }
}
