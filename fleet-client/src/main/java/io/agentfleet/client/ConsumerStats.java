package io.agentfleet.client;

import java.time.Duration;

/**
 * One worker consumer of an agent type's group, as XINFO CONSUMERS reports it.
 *
 * @param name the consumer (worker) name
 * @param pending entries delivered to it and not yet acknowledged
 * @param idle time since its last interaction with the stream
 */
public record ConsumerStats(String name, long pending, Duration idle) {}
