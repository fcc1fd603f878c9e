package io.agentfleet.orchestrator.admin;

import java.util.List;

/**
 * A page of an agent type's dead letters, oldest first. {@code total} (every tenant's) is null for a scoped caller;
 * {@code next} (null at the end) continues the listing.
 */
public record DeadLetterPage(String agent, Long total, List<DeadLetterView> deadLetters, String next) {
    public DeadLetterPage {
        deadLetters = List.copyOf(deadLetters);
    }
}
