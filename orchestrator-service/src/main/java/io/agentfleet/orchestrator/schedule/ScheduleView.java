package io.agentfleet.orchestrator.schedule;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/** The public view of a schedule, for {@code GET /v1/schedules/{id}} and the list. */
final class ScheduleView {
    private ScheduleView() {}

    /**
     * @param nextTick the next tick while it is active, empty while paused
     * @param history the recent ticks, newest first, or null to leave them out (the list)
     */
    static ObjectNode of(Schedule s, OptionalLong nextTick, List<TickRecord> history) {
        ObjectNode v = JsonNodeFactory.instance.objectNode();
        v.put("scheduleId", s.id());
        if (s.name() != null) {
            v.put("name", s.name());
        }
        v.put("status", nextTick.isPresent() ? "ACTIVE" : "PAUSED");
        if (s.cron() != null) {
            v.put("cron", s.cron());
            v.put("timeZone", s.timeZone());
        } else {
            v.put("interval", s.interval());
        }
        v.put("missedTicks", s.missedTicks().wire);
        nextTick.ifPresent(t -> v.put("nextRunAt", Instant.ofEpochMilli(t).toString()));
        v.put("tenant", s.tenant());
        v.put("apiKey", s.apiKey());
        v.put("createdAt", Instant.ofEpochMilli(s.createdAt()).toString());
        v.set(s.kind(), s.template());
        if (history != null) {
            ArrayNode ticks = v.putArray("recentTicks");
            history.forEach(t -> ticks.add(t.toJson()));
        }
        return v;
    }
}
