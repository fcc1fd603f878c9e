package io.agentfleet.orchestrator.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentfleet.messages.Ids;
import io.micronaut.scheduling.cron.CronExpression;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** When ticks fall and what a replica does with a due tick, late or missed; pure functions, no Redis. */
class TickPlanTest {
    static final Duration MISSED_AFTER = Duration.ofSeconds(15);
    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();

    @Test
    void intervalTicksCountFromTheAnchor() {
        Timing every5s = new Timing.Interval(Duration.ofSeconds(5), T0);
        assertEquals(T0 + 5_000, every5s.nextAfter(T0));
        assertEquals(T0 + 5_000, every5s.nextAfter(T0 + 4_999));
        assertEquals(T0 + 10_000, every5s.nextAfter(T0 + 5_000));
        assertEquals(T0 + 5_000, every5s.nextAfter(T0 - 60_000), "before the anchor: the first tick");
    }

    @Test
    void cronTicksFollowTheirTimeZoneAcrossADaylightSavingChange() {
        Timing halfPastNineBerlin = new Timing.Cron(CronExpression.create("0 30 9 * * *"), ZoneId.of("Europe/Berlin"));
        // 2026-03-29: Berlin moves from UTC+1 to UTC+2, so 09:30 local is 08:30Z before and 07:30Z after.
        long saturday = Instant.parse("2026-03-28T12:00:00Z").toEpochMilli();
        assertEquals(Instant.parse("2026-03-29T07:30:00Z").toEpochMilli(), halfPastNineBerlin.nextAfter(saturday));
        long friday = Instant.parse("2026-03-27T00:00:00Z").toEpochMilli();
        assertEquals(Instant.parse("2026-03-27T08:30:00Z").toEpochMilli(), halfPastNineBerlin.nextAfter(friday));
    }

    @Test
    void aTickALittleLateStartsAndTheNextFollowsIt() {
        Timing everySecond = new Timing.Interval(Duration.ofSeconds(1), T0);
        TickPlan plan = TickPlan.of(everySecond, MissedTicks.SKIP, T0 + 1_000, T0 + 3_500, MISSED_AFTER);
        assertTrue(plan.starts());
        assertFalse(plan.missed());
        assertEquals(T0 + 2_000, plan.next(), "catches up tick by tick");
    }

    @Test
    void aMissedTickStartsOneRunUnderRunOnceAndMovesPastNow() {
        Timing everySecond = new Timing.Interval(Duration.ofSeconds(1), T0);
        long now = T0 + 3_600_000 + 250;
        TickPlan plan = TickPlan.of(everySecond, MissedTicks.RUN_ONCE, T0 + 1_000, now, MISSED_AFTER);
        assertTrue(plan.missed());
        assertTrue(plan.starts());
        assertEquals(T0 + 1_000, plan.tick());
        assertEquals(T0 + 3_601_000, plan.next(), "the first tick after now: no burst of the hour's ticks");
    }

    @Test
    void aMissedTickStartsNothingUnderSkip() {
        Timing everySecond = new Timing.Interval(Duration.ofSeconds(1), T0);
        long now = T0 + MISSED_AFTER.toMillis() + 1_001;
        TickPlan plan = TickPlan.of(everySecond, MissedTicks.SKIP, T0 + 1_000, now, MISSED_AFTER);
        assertTrue(plan.missed());
        assertFalse(plan.starts());
        assertEquals(T0 + MISSED_AFTER.toMillis() + 2_000, plan.next());
    }

    @Test
    void aTicksRunIdIsTheSameOnEveryReplicaAndAUlidOfTheTick() {
        String id = Ids.derived(T0, "01JABCDEFGHJKMNPQRSTVWXYZ0");
        assertEquals(id, Ids.derived(T0, "01JABCDEFGHJKMNPQRSTVWXYZ0"));
        assertTrue(id.matches("[0-9A-Z]{26}"), id);
        assertEquals(io.agentfleet.messages.Ids.newId(T0).substring(0, 10), id.substring(0, 10), "time part");
        assertNotEquals(id, Ids.derived(T0, "01JABCDEFGHJKMNPQRSTVWXYZ1"), "another schedule");
        assertNotEquals(id, Ids.derived(T0 + 1_000, "01JABCDEFGHJKMNPQRSTVWXYZ0"), "another tick");
    }
}
