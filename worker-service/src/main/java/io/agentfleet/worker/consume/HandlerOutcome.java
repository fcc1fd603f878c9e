package io.agentfleet.worker.consume;

import io.agentfleet.messages.Failure;
import io.agentfleet.messages.Metadata;
import io.agentfleet.worker.spi.HandlerResult;

/** How one handler call ended. */
sealed interface HandlerOutcome {

    /** The handler returned a result after {@code elapsedNanos}. */
    record Succeeded(HandlerResult result, long elapsedNanos) implements HandlerOutcome {}

    /** The handler failed (threw, or returned null); {@code spent} is what the attempt used all the same. */
    record Failed(Failure failure, Metadata spent) implements HandlerOutcome {}

    /** The handler did not finish within its time and was interrupted. */
    record TimedOut() implements HandlerOutcome {}

    /** The handler found that another worker took its task over (a refused checkpoint): the new holder answers. */
    record LeaseLost(String reason) implements HandlerOutcome {}
}
