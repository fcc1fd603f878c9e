package io.agentfleet.orchestrator.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.Durations;
import io.micronaut.scheduling.cron.CronExpression;
import java.time.ZoneId;
import java.util.Objects;

/**
 * A recurring schedule as stored (JSON in {@code prefix:{schedules}:defs}); whether it is paused and its next tick live
 * in the due set, not here, so the definition never changes after creation.
 *
 * @param name a label for people, or null
 * @param kind {@code workflow} or {@code task}: which submission body {@code template} is
 * @param cron the cron expression, or null for an interval schedule
 * @param timeZone the IANA zone the cron expression is evaluated in (null for an interval schedule)
 * @param interval the interval as given ({@code 30s}), or null for a cron schedule
 * @param apiKey the key that created it: its runs are submitted as this key, in {@code tenant}
 * @param createdAt epoch ms; an interval schedule's ticks are counted from it
 */
record Schedule(
        String id,
        String tenant,
        String apiKey,
        String name,
        String kind,
        ObjectNode template,
        String cron,
        String timeZone,
        String interval,
        MissedTicks missedTicks,
        long createdAt) {
    static final String WORKFLOW = "workflow";
    static final String TASK = "task";

    Schedule {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(missedTicks, "missedTicks");
        if ((cron == null) == (interval == null)) {
            throw new IllegalArgumentException("a schedule has a cron expression or an interval, not both or neither");
        }
    }

    Timing timing() {
        return cron != null
                ? new Timing.Cron(CronExpression.create(cron), ZoneId.of(timeZone))
                : new Timing.Interval(Durations.parse(interval), createdAt);
    }

    ObjectNode toJson() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("id", id);
        n.put("tenant", tenant);
        n.put("apiKey", apiKey);
        if (name != null) {
            n.put("name", name);
        }
        n.put("kind", kind);
        n.set("template", template);
        if (cron != null) {
            n.put("cron", cron);
            n.put("timeZone", timeZone);
        } else {
            n.put("interval", interval);
        }
        n.put("missedTicks", missedTicks.wire);
        n.put("createdAt", createdAt);
        return n;
    }

    static Schedule fromJson(JsonNode n) {
        return new Schedule(
                n.get("id").asText(),
                n.get("tenant").asText(),
                n.get("apiKey").asText(),
                text(n, "name"),
                n.get("kind").asText(),
                (ObjectNode) n.get("template"),
                text(n, "cron"),
                text(n, "timeZone"),
                text(n, "interval"),
                MissedTicks.of(n.get("missedTicks").asText()),
                n.get("createdAt").asLong());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
