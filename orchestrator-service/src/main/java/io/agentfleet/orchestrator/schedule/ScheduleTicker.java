package io.agentfleet.orchestrator.schedule;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.Ids;
import io.agentfleet.orchestrator.redis.OrchestratorScripts;
import io.agentfleet.orchestrator.workflow.RunAlreadyExists;
import io.agentfleet.orchestrator.workflow.engine.RunOrigin;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the runs of due ticks, on every replica. A tick is claimed once (SCHEDULE_CLAIM_TICK moves the schedule's next
 * tick only if it is still the one read) and its run gets an id derived from the tick, so when the claiming replica
 * dies before the run exists, another replica takes the tick from the starts set after its lease and starts the same
 * run id; the run store refuses a second run with it.
 */
@Context
class ScheduleTicker {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleTicker.class);
    /** How long a claimed tick waits for its run before another replica starts it. */
    static final Duration START_LEASE = Duration.ofSeconds(10);

    private static final int BATCH = 100;

    private final ScheduleStore store;
    private final ScheduleRuns runs;
    private final FleetRedis redis;
    private final SchedulesConfig config;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;

    ScheduleTicker(
            ScheduleStore store,
            ScheduleRuns runs,
            FleetRedis redis,
            SchedulesConfig config,
            MeterRegistry metrics,
            Clock clock) {
        this.store = store;
        this.runs = runs;
        this.redis = redis;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
        this.thread = Thread.ofVirtual().name("schedule-ticker").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                startAbandonedTicks();
                startDueTicks();
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("schedule pass failed: {}", e.toString());
                }
            }
            try {
                Thread.sleep(config.tickInterval());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void startDueTicks() {
        long now = clock.millis();
        for (ScoredValue<String> due : store.dueBy(now, BATCH)) {
            try {
                startDueTick(due.getValue(), (long) due.getScore(), now);
            } catch (RuntimeException e) {
                // One schedule's failure (Redis for a moment) must not hold up the others; its tick stays due.
                LOG.warn("schedule {}: due tick not handled: {}", due.getValue(), e.toString());
            }
        }
    }

    private void startDueTick(String id, long tick, long now) {
        Schedule s = store.get(id);
        if (s == null) {
            store.forgetDue(id);
            return;
        }
        TickPlan plan = TickPlan.of(s.timing(), s.missedTicks(), tick, now, config.missedAfter());
        long lease = clock.millis() + START_LEASE.toMillis();
        String member = plan.starts() ? ScheduleStore.startMember(s.id(), plan.tick()) : null;
        if (!store.claimTick(s.id(), plan.tick(), plan.next(), member, lease)) {
            return;
        }
        if (plan.missed()) {
            LOG.info(
                    "schedule {}: tick {} was missed ({})", s.id(), Instant.ofEpochMilli(plan.tick()), s.missedTicks());
            metrics.counter("fleet.orchestrator.schedule.ticks", "outcome", "missed")
                    .increment();
        }
        if (plan.starts()) {
            startTick(s, plan.tick(), member, lease);
        } else {
            store.record(
                    s.id(),
                    new TickRecord(
                            plan.tick(),
                            TickRecord.Outcome.MISSED,
                            null,
                            "every replica was down when it fell due; the schedule skips missed ticks"));
        }
    }

    /** Ticks claimed by a replica that died before their run existed (their lease ran out). */
    void startAbandonedTicks() {
        long lease = clock.millis() + START_LEASE.toMillis();
        List<String> members = redis.runSync(
                OrchestratorScripts.call(
                        OrchestratorScripts.CLAIM_DUE,
                        store.starts(),
                        Long.toString(clock.millis()),
                        Integer.toString(BATCH),
                        Long.toString(lease)),
                ScriptOutputType.MULTI);
        for (String member : members) {
            try {
                startAbandonedTick(member, lease);
            } catch (RuntimeException e) {
                LOG.warn("schedule tick {} not started, tried again after its lease: {}", member, e.toString());
            }
        }
    }

    private void startAbandonedTick(String member, long lease) {
        Map.Entry<String, Long> tick = ScheduleStore.parseStartMember(member);
        Schedule s = tick == null ? null : store.get(tick.getKey());
        if (s == null) {
            release(member, lease);
            return;
        }
        LOG.info(
                "schedule {}: starting tick {} left by another replica", s.id(), Instant.ofEpochMilli(tick.getValue()));
        startTick(s, tick.getValue(), member, lease);
    }

    /**
     * Starts the tick's run. A refusal (runs in flight, backpressure, an invalid template) is recorded as SKIPPED and
     * the tick is done; any other failure (Redis) leaves the tick in the starts set, so it is tried again after its
     * lease.
     */
    private void startTick(Schedule s, long tick, String member, long lease) {
        RunOrigin origin = new RunOrigin(Ids.derived(tick, s.id()), s.id(), Instant.ofEpochMilli(tick));
        try {
            runs.start(s, origin, TickRecord.Outcome.STARTED);
            metrics.counter("fleet.orchestrator.schedule.ticks", "outcome", "started")
                    .increment();
        } catch (RunAlreadyExists e) {
            LOG.info("schedule {}: the run of tick {} exists already", s.id(), Instant.ofEpochMilli(tick));
            runs.adopt(s, origin);
        } catch (RuntimeException e) {
            String reason = Refusals.reasonOf(e);
            if (reason == null) {
                throw e;
            }
            LOG.info("schedule {}: tick {} started no run: {}", s.id(), Instant.ofEpochMilli(tick), reason);
            metrics.counter("fleet.orchestrator.schedule.ticks", "outcome", "skipped")
                    .increment();
            store.record(s.id(), new TickRecord(tick, TickRecord.Outcome.SKIPPED, null, reason));
        }
        release(member, lease);
    }

    private void release(String member, long lease) {
        redis.runSync(
                OrchestratorScripts.call(
                        OrchestratorScripts.REMOVE_IF_SCORED, store.starts(), member, Long.toString(lease)),
                ScriptOutputType.INTEGER);
    }

    @PreDestroy
    void stop() {
        running = false;
        thread.interrupt();
    }
}
