package io.agentfleet.orchestrator.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.Durations;
import io.agentfleet.messages.Ids;
import io.agentfleet.orchestrator.auth.Caller;
import io.agentfleet.orchestrator.http.ApiException;
import io.micronaut.http.HttpStatus;
import io.micronaut.scheduling.cron.CronExpression;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.Set;

/** Reads a {@code POST /v1/schedules} body into a {@link Schedule}, refusing bad input with the field named. */
final class ScheduleRequests {
    /** The shortest interval: ticks are looked for every {@code tick-interval}, and a run per second is plenty. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    /** The longest interval (a longer wait is a cron expression's job); it keeps tick arithmetic far from overflow. */
    static final Duration MAX_INTERVAL = Duration.ofDays(365);

    static final int MAX_CRON_CHARS = 200;

    static final int MAX_NAME_CHARS = 200;
    private static final Set<String> FIELDS =
            Set.of("name", "cron", "timeZone", "interval", "workflow", "task", "missedTicks");

    private ScheduleRequests() {}

    static Schedule parse(ObjectNode body, Caller caller, Instant now) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw invalid(
                        field,
                        "unknown field (expected "
                                + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String cron = text(body, "cron");
        String interval = text(body, "interval");
        String zone = text(body, "timeZone");
        if ((cron == null) == (interval == null)) {
            throw invalid(cron == null ? "cron" : "interval", "give exactly one of cron and interval");
        }
        if (cron != null) {
            zone = zone == null ? "UTC" : zone;
            requireCron(cron, requireZone(zone), now);
        } else {
            if (zone != null) {
                throw invalid("timeZone", "applies to a cron expression only, not to an interval");
            }
            requireInterval(interval);
        }
        boolean workflow = body.has("workflow");
        if (workflow == body.has("task")) {
            throw invalid(workflow ? "task" : "workflow", "give exactly one template: workflow or task");
        }
        String kind = workflow ? Schedule.WORKFLOW : Schedule.TASK;
        JsonNode template = body.get(kind);
        if (!(template instanceof ObjectNode object)) {
            throw invalid(kind, "must be a JSON object (the body of POST /v1/" + kind + "s)");
        }
        requireRelativeDeadline(kind, object);
        return new Schedule(
                Ids.newId(now.toEpochMilli()),
                caller.tenant(),
                caller.keyName(),
                name(body),
                kind,
                object,
                cron,
                cron == null ? null : zone,
                interval,
                missedTicks(body),
                now.toEpochMilli());
    }

    private static void requireCron(String cron, ZoneId zone, Instant now) {
        if (cron.length() > MAX_CRON_CHARS) {
            throw invalid("cron", "must be at most " + MAX_CRON_CHARS + " characters");
        }
        try {
            CronExpression.create(cron).nextTimeAfter(now.atZone(zone));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw invalid(
                    "cron",
                    "'" + cron + "' is not a cron expression that fires (5 fields: minute hour day-of-month month"
                            + " day-of-week, or 6 with seconds first): " + e.getMessage());
        }
    }

    private static ZoneId requireZone(String zone) {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw invalid("timeZone", "'" + zone + "' is not an IANA time zone such as Europe/Berlin or UTC");
        }
    }

    private static void requireInterval(String interval) {
        Duration every;
        try {
            every = Durations.parse(interval);
        } catch (IllegalArgumentException e) {
            throw invalid("interval", e.getMessage());
        }
        if (every.compareTo(MIN_INTERVAL) < 0 || every.compareTo(MAX_INTERVAL) > 0) {
            throw invalid("interval", "must be from 1s to 365d, but was '" + interval + "'");
        }
    }

    /** A template's deadline counts from each run's start: an absolute instant would pass after the first runs. */
    private static void requireRelativeDeadline(String kind, ObjectNode template) {
        JsonNode deadline = template.get("deadline");
        if (deadline == null || deadline.isNull()) {
            return;
        }
        try {
            Durations.parse(deadline.asText());
        } catch (IllegalArgumentException e) {
            throw invalid(
                    kind + ".deadline",
                    "must be a duration in a schedule's template (each run's deadline"
                            + " counts from its start), but was '" + deadline.asText() + "'");
        }
    }

    private static String name(ObjectNode body) {
        String name = text(body, "name");
        if (name != null && name.length() > MAX_NAME_CHARS) {
            throw invalid("name", "must be at most " + MAX_NAME_CHARS + " characters");
        }
        return name;
    }

    private static MissedTicks missedTicks(ObjectNode body) {
        String wire = text(body, "missedTicks");
        if (wire == null) {
            return MissedTicks.RUN_ONCE;
        }
        MissedTicks policy = MissedTicks.of(wire);
        if (policy == null) {
            throw invalid("missedTicks", "must be runOnce or skip, but was '" + wire + "'");
        }
        return policy;
    }

    private static String text(ObjectNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw invalid(field, "must be a string");
        }
        return v.asText();
    }

    static ApiException invalid(String field, String reason) {
        return new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", field, reason);
    }
}
