package io.agentfleet.orchestrator.registry;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent types this orchestrator serves: those configured for it ({@code fleet.orchestrator.allowed-agents}) and
 * those in the fleet's registry ({@code prefix:agents}), which a worker adds its types to when it starts, and the
 * orchestrator and fleet-client add a type to when they first enqueue to it (the orchestrator only to types it already
 * knows). A name from a request is never added: an unknown one is refused, so it cannot create a result reader.
 *
 * <p>The registry is read at most once per {@code refresh} on the request path; a name missing from that read causes
 * one fresh read, at most once per {@code missRefresh} for all callers together, so a type registered just now is
 * usable at once while a flood of invented names costs Redis at most one SMEMBERS per interval.
 */
public final class KnownAgents {
    /** Names listed in a refusal, so the reason stays short however many types the fleet has. */
    static final int LISTED = 10;

    private final Set<String> configured;
    private final Supplier<Collection<String>> registry;
    private final long refreshNanos;
    private final long missRefreshNanos;
    private final LongSupplier nanoTime;
    private volatile Snapshot snapshot = new Snapshot(Set.of(), Long.MIN_VALUE / 2);

    private record Snapshot(Set<String> registered, long readAtNanos) {}

    /** @param registry reads the registry's current members (e.g. {@link AgentRegistry#registeredTypes}) */
    public KnownAgents(KnownAgentsConfig config, Supplier<Collection<String>> registry) {
        this(config, registry, System::nanoTime);
    }

    KnownAgents(KnownAgentsConfig config, Supplier<Collection<String>> registry, LongSupplier nanoTime) {
        this.configured = config.configured();
        this.registry = registry;
        this.refreshNanos = config.refresh().toNanos();
        this.missRefreshNanos = config.missRefresh().toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether {@code agent} is configured or registered; may read the registry (see the class comment). */
    public boolean isKnown(String agent) {
        if (configured.contains(agent)) {
            return true;
        }
        Snapshot current = current();
        if (current.registered().contains(agent)) {
            return true;
        }
        return readAfterMiss(current).registered().contains(agent);
    }

    /** Every known type, from the cached registry read. */
    public Set<String> all() {
        Set<String> all = new TreeSet<>(configured);
        all.addAll(current().registered());
        return all;
    }

    /** The refusal reason for {@code agent} (a valid name, so short), listing at most {@value #LISTED} known types. */
    public String unknownReason(String agent) {
        Set<String> all = all();
        StringBuilder reason =
                new StringBuilder("unknown agent type '").append(agent).append("'; known: ");
        if (all.isEmpty()) {
            return reason.append(
                            "none (no worker has registered a type, and fleet.orchestrator.allowed-agents is empty)")
                    .toString();
        }
        reason.append(String.join(", ", all.stream().limit(LISTED).toList()));
        if (all.size() > LISTED) {
            reason.append(" and ").append(all.size() - LISTED).append(" more");
        }
        return reason.toString();
    }

    private Snapshot current() {
        Snapshot current = snapshot;
        if (nanoTime.getAsLong() - current.readAtNanos() < refreshNanos) {
            return current;
        }
        synchronized (this) {
            current = snapshot;
            return nanoTime.getAsLong() - current.readAtNanos() < refreshNanos ? current : read();
        }
    }

    private synchronized Snapshot readAfterMiss(Snapshot seen) {
        if (snapshot != seen || nanoTime.getAsLong() - seen.readAtNanos() < missRefreshNanos) {
            return snapshot;
        }
        return read();
    }

    private Snapshot read() {
        Snapshot fresh = new Snapshot(Set.copyOf(registry.get()), nanoTime.getAsLong());
        snapshot = fresh;
        return fresh;
    }
}
