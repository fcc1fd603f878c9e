package io.agentfleet.orchestrator.workflow.spec;

import static io.agentfleet.orchestrator.workflow.spec.JsonFields.abbreviate;
import static io.agentfleet.orchestrator.workflow.spec.SpecParser.MAX_DEADLINE_AHEAD;
import static io.agentfleet.orchestrator.workflow.spec.SpecParser.MAX_TIMEOUT;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentfleet.messages.Due;
import io.agentfleet.messages.Durations;
import io.agentfleet.messages.InvalidMessageException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A run's {@code deadline} and a task's {@code timeout}, read and bounded. */
final class SpecTimes {
    private SpecTimes() {}

    static Instant deadline(JsonNode node, Instant now) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidMessageException("deadline", "must be a duration (PT5M, 30s) or an ISO-8601 instant");
        }
        String text = node.asText();
        Instant deadline = deadlineFrom(text, now);
        if (!deadline.isAfter(now)) {
            throw new InvalidMessageException("deadline", "is not in the future: " + abbreviate(text));
        }
        if (deadline.isAfter(now.plus(MAX_DEADLINE_AHEAD))) {
            throw new InvalidMessageException(
                    "deadline",
                    "'" + abbreviate(text) + "' is more than " + MAX_DEADLINE_AHEAD.toDays()
                            + " days ahead, the limit");
        }
        return deadline;
    }

    /** A duration from now (capped before it is added, so that no sum overflows) or an ISO-8601 instant. */
    static Instant deadlineFrom(String text, Instant now) {
        try {
            Duration ahead = Durations.parse(text);
            if (ahead.isNegative() || ahead.isZero()) {
                return now;
            }
            return ahead.compareTo(MAX_DEADLINE_AHEAD) > 0 ? Instant.MAX : now.plus(ahead);
        } catch (IllegalArgumentException notDuration) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e) {
                throw new InvalidMessageException(
                        "deadline",
                        "'" + abbreviate(text) + "' is neither a duration (PT5M, 30s) nor an ISO-8601 instant");
            }
        }
    }

    /**
     * When a run's first tasks are due: {@code delay} (a duration from {@code now}) or {@code runAt} (an ISO-8601
     * instant; one in the past means at once), at most {@link Due#MAX_AHEAD} ahead; null when neither is given, the
     * delay is zero or the instant has passed.
     */
    static Instant startAt(JsonNode delay, JsonNode runAt, Instant now) {
        boolean hasDelay = delay != null && !delay.isNull();
        boolean hasRunAt = runAt != null && !runAt.isNull();
        if (hasDelay && hasRunAt) {
            throw new InvalidMessageException("runAt", "give either delay or runAt, not both");
        }
        Instant start = hasDelay ? now.plus(delay(delay)) : hasRunAt ? runAt(runAt, now) : now;
        return start.isAfter(now) ? start : null;
    }

    private static Duration delay(JsonNode node) {
        String text = node.isTextual() ? node.asText() : node.toString();
        if (text.trim().startsWith("-")) {
            throw new InvalidMessageException("delay", "must be >= 0, but was '" + abbreviate(text) + "'");
        }
        Duration delay;
        try {
            delay = Durations.parse(node.isTextual() ? text : "");
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(
                    "delay", "must be " + Durations.EXPECTED + ", but was '" + abbreviate(text) + "'");
        }
        return Due.in(delay).delay();
    }

    private static Instant runAt(JsonNode node, Instant now) {
        String text = node.isTextual() ? node.asText() : node.toString();
        try {
            return Due.at(Instant.parse(node.isTextual() ? text : ""), now).at();
        } catch (DateTimeParseException e) {
            throw new InvalidMessageException(
                    "runAt",
                    "must be an ISO-8601 instant such as 2030-01-01T09:00:00Z, but was '" + abbreviate(text) + "'");
        }
    }

    static Duration timeout(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return null;
        }
        Duration timeout;
        try {
            timeout = Durations.parse(node.asText());
        } catch (IllegalArgumentException e) {
            throw new InvalidMessageException(
                    at + "timeout", "must be " + Durations.EXPECTED + ", but was '" + abbreviate(node.asText()) + "'");
        }
        if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new InvalidMessageException(
                    at + "timeout",
                    "must be > 0 and at most " + MAX_TIMEOUT.toDays() + "d, but was '" + abbreviate(node.asText())
                            + "'");
        }
        return timeout;
    }
}
