package io.agentfleet.orchestrator.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.BackpressureException;
import io.agentfleet.orchestrator.workflow.engine.ChildStart;
import io.agentfleet.orchestrator.workflow.engine.OutboxEntry;
import io.agentfleet.orchestrator.workflow.engine.RunEngine;
import io.agentfleet.orchestrator.workflow.engine.RunOrigin;
import io.agentfleet.orchestrator.workflow.engine.RunState;
import io.agentfleet.orchestrator.workflow.engine.ScheduleEntry;
import io.agentfleet.orchestrator.workflow.schedule.DeadlineMember;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.store.Admission;
import io.agentfleet.orchestrator.workflow.store.AgentsInUse;
import io.agentfleet.orchestrator.workflow.store.DailyBudgets;
import io.agentfleet.orchestrator.workflow.store.Outbox;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import io.agentfleet.orchestrator.workflow.store.RunStores;
import io.agentfleet.orchestrator.workflow.store.UsageLedger;
import io.agentfleet.tracing.MessageTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every transition the same way: read the run, let the {@link RunEngine} decide, commit atomically (retrying
 * from a fresh read when another replica changed the run meanwhile), then enqueue the committed dispatches.
 */
public final class RunService {
    private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
    private static final int MAX_CONFLICT_RETRIES = 50;
    private static final long OUTBOX_GRACE_MS = 5_000;

    private final RunEngine engine;
    private final DailyBudgets dailyBudgets;
    private final RunStore store;
    private final Outbox outbox;
    private final Admission admission;
    private final UsageLedger usage;
    private final AgentsInUse agentsInUse;
    private final RunMetrics runMetrics;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final MessageTracing tracing;
    private final Duration reconcileAfter;
    private final ChildRunLinks childLinks;
    private final RecordedOutcomes recordedOutcomes;
    private volatile Consumer<Set<String>> agentListener = agents -> {};

    public RunService(
            RunEngine engine,
            DailyBudgets dailyBudgets,
            RunStores stores,
            Clock clock,
            MeterRegistry metrics,
            MessageTracing tracing,
            Duration reconcileAfter) {
        this.engine = engine;
        this.dailyBudgets = dailyBudgets;
        this.reconcileAfter = reconcileAfter;
        this.store = stores.runs();
        this.outbox = stores.outbox();
        this.admission = stores.admission();
        this.usage = stores.usage();
        this.agentsInUse = stores.agents();
        this.runMetrics = new RunMetrics(metrics);
        this.clock = clock;
        this.metrics = metrics;
        this.tracing = tracing;
        this.childLinks = new ChildRunLinks(this, engine, store, clock, reconcileAfter);
        this.recordedOutcomes = new RecordedOutcomes(this, store, metrics);
    }

    /** Called with the agent types of every committed dispatch, so result consumers exist for them. */
    public void onAgents(Consumer<Set<String>> listener) {
        this.agentListener = listener;
    }

    /**
     * Creates and starts a run. When an agent type refuses the first dispatches (backpressure), the run is ended as
     * FAILED and the exception is rethrown so the caller answers 429.
     */
    public RunState submit(RunSpec spec, String apiKey, String tenant, String kind) {
        return submit(spec, apiKey, tenant, kind, null);
    }

    /**
     * As {@link #submit(RunSpec, String, String, String)}, for a run a schedule starts under the run id of its
     * {@code origin}.
     *
     * @throws RunAlreadyExists when that run was created already (by a replica that started the same tick)
     */
    public RunState submit(RunSpec spec, String apiKey, String tenant, String kind, RunOrigin origin) {
        return RunSpan.around(tracing, spec, kind, traced -> start(traced, apiKey, tenant, kind, origin));
    }

    private RunState start(RunSpec spec, String apiKey, String tenant, String kind, RunOrigin origin) {
        return start(spec, apiKey, tenant, kind, origin, now -> engine.start(spec, apiKey, tenant, kind, origin, now));
    }

    RunState start(
            RunSpec spec,
            String apiKey,
            String tenant,
            String kind,
            RunOrigin origin,
            Function<Instant, RunState> create) {
        if (origin != null && store.load(origin.runId()) != null) {
            throw new RunAlreadyExists(origin.runId());
        }
        Instant now = clock.instant();
        DailyBudgets.DailySpend today = dailyBudgets.spend(apiKey, now);
        if (today.overBudget() != null) {
            throw new DailyBudgetExceeded(today.overBudget(), today.resetAt());
        }
        RunState run = create.apply(now);
        int maxInFlight = admission.admit(run);
        if (maxInFlight > 0) {
            throw new RunsInFlightExceeded(tenant, maxInFlight);
        }
        try {
            return started(run, spec, kind, now);
        } catch (RuntimeException e) {
            if (store.load(run.runId()) == null) {
                admission.release(run);
            }
            throw e;
        }
    }

    private RunState started(RunState run, RunSpec spec, String kind, Instant now) {
        Set<String> agents = new LinkedHashSet<>();
        spec.tasks().forEach(t -> {
            if (t.workflow() != null) {
                return;
            }
            agents.add(t.agent());
            if (t.review() != null) {
                agents.add(t.review().agent());
            }
            if (t.fallback() != null) {
                agents.add(t.fallback());
            }
        });
        agentsInUse.note(agents);
        agentListener.accept(agents);
        outbox.markOutboxPending(run.runId(), now.toEpochMilli() + OUTBOX_GRACE_MS);
        outbox.place(run);
        watchDispatches(run);
        store.schedule(run.deadlines());
        if (store.commit(run).isEmpty()) {
            throw new RunAlreadyExists(run.runId());
        }
        metrics.counter("fleet.orchestrator.runs.started", "kind", kind).increment();
        runMetrics.record(run);
        if (run.ended()) {
            admission.release(run);
        }
        childLinks.link(run);
        boolean drained;
        try {
            drained = outbox.drain(run.runId(), run.outbox());
        } catch (BackpressureException e) {
            transition(run.runId(), (Consumer<RunState>) r -> {
                if (!r.status().isTerminal()) {
                    engine.cancel(r, clock.instant());
                }
            });
            outbox.clearOutboxPending(run.runId());
            throw e;
        }
        if (drained) {
            outbox.clearOutboxPending(run.runId());
        } else {
            outbox.markOutboxPending(run.runId(), clock.millis() + Outbox.UNREPLICATED_REDRAIN.toMillis());
        }
        return run;
    }

    public RunState get(String runId) {
        return store.load(runId);
    }

    /** Applies outcomes of one run; in recovery also drains what a crashed replica left in the run's outbox. */
    public void applyOutcomes(String runId, List<AgentMessage> outcomes, boolean recovery) {
        transitionIf(runId, true, run -> {
            outcomes.forEach(o -> engine.onOutcome(run, o, clock.instant()));
            return true;
        });
        if (recovery) {
            drainLeftovers(runId);
        }
    }

    /** Fails a run whose outcome cannot be applied, with {@code error} as the reason; UNCHANGED when it had ended. */
    public Outcome fail(String runId, ObjectNode error) {
        return transition(runId, (Consumer<RunState>) run -> engine.fail(run, error, clock.instant()));
    }

    /** Cancels a run; a scheduled run's tasks that wait for its start leave the delayed set. */
    public Outcome cancel(String runId) {
        Outcome outcome = transition(runId, (Consumer<RunState>) run -> engine.cancel(run, clock.instant()));
        if (outcome == Outcome.APPLIED) {
            RunState run = store.load(runId);
            long removed = run == null ? 0 : outbox.unschedule(run);
            if (removed > 0) {
                LOG.info("run {}: cancelled {} scheduled task(s) before they were due", runId, removed);
            }
        }
        return outcome;
    }

    public Outcome resume(String runId, String taskId, JsonNode answer, String action) {
        return transition(runId, run -> engine.resume(run, taskId, answer, action, clock.instant()));
    }

    /**
     * A run's deadline or a task's timeout has come. A task whose worker recorded an outcome that this service never
     * read (its result stream entry was trimmed first) gets that outcome instead of a timeout.
     */
    public void onDeadline(DeadlineMember member) {
        if (member.kind() == DeadlineMember.Kind.TASK
                && recordedOutcomes.apply(member.runId(), member.wireId()) == RecordedOutcomes.Found.APPLIED) {
            return;
        }
        transition(member.runId(), run -> engine.onDeadline(run, member, clock.instant()));
    }

    /**
     * Reconciles a dispatched task with its done key: when its worker recorded an outcome, applies it exactly as the
     * result consumer would have (a replay of it changes nothing); while the task still runs, looks again after
     * {@code reconcile-after}; once the run no longer waits for it, forgets it.
     */
    public void reconcile(DeadlineMember member) {
        if (childLinks.reconcile(member)) {
            return;
        }
        if (recordedOutcomes.apply(member.runId(), member.wireId()) == RecordedOutcomes.Found.NONE) {
            store.schedule(List.of(new ScheduleEntry(member.member(), clock.millis() + reconcileAfter.toMillis())));
        }
    }

    /** Drains a run's outbox; false when it was already empty. */
    public boolean drainLeftovers(String runId) {
        try {
            Boolean drained = outbox.drainAll(runId);
            if (Boolean.FALSE.equals(drained)) {
                outbox.markOutboxPending(runId, clock.millis() + Outbox.UNREPLICATED_REDRAIN.toMillis());
            }
            return drained != null;
        } catch (BackpressureException e) {
            LOG.warn("run {}: dispatch deferred, {}", runId, e.getMessage());
            outbox.markOutboxPending(runId, clock.millis() + 1_000);
            return true;
        }
    }

    /** What a transition did. */
    public enum Outcome {
        NOT_FOUND,
        UNCHANGED,
        APPLIED
    }

    Outcome transition(String runId, Consumer<RunState> change) {
        return transitionIf(runId, false, run -> {
            change.accept(run);
            return true;
        });
    }

    /** @param useCache start from this process's last committed copy (outcomes only; never for API decisions) */
    private Outcome transitionIf(String runId, boolean useCache, Predicate<RunState> change) {
        for (int attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
            RunState cached = useCache && attempt == 0 ? store.cached(runId) : null;
            RunState run = cached != null ? cached : store.load(runId);
            if (run == null) {
                return Outcome.NOT_FOUND;
            }
            change.test(run);
            if (!run.changed()) {
                if (cached != null) {
                    // A stale copy may wrongly say there is nothing to do: only Redis can say that.
                    continue;
                }
                return Outcome.UNCHANGED;
            }
            outbox.place(run);
            watchDispatches(run);
            if (!run.deadlines().isEmpty()) {
                store.schedule(run.deadlines());
            }
            if (store.commit(run).isPresent()) {
                store.unschedule(run.runId(), run.settled());
                runMetrics.record(run);
                afterCommit(run);
                return Outcome.APPLIED;
            }
            metrics.counter("fleet.orchestrator.commit.conflicts").increment();
            Thread.onSpinWait();
        }
        throw new IllegalStateException("run " + runId + " kept changing under " + MAX_CONFLICT_RETRIES + " attempts");
    }

    /**
     * Schedules a reconcile check for every dispatch of the transition (before its commit, so no crash loses it), and
     * keeps the checks of the sub-workflow tasks whose child runs it cancels.
     */
    private void watchDispatches(RunState run) {
        RunEngine.keepChecksOfChildrenToCancel(run);
        long due = clock.millis() + reconcileAfter.toMillis();
        for (OutboxEntry o : run.outbox()) {
            run.deadlines().add(new ScheduleEntry(DeadlineMember.forReconcile(run.runId(), o.wireId()), due));
        }
        for (ChildStart c : run.childStarts()) {
            run.deadlines().add(new ScheduleEntry(DeadlineMember.forReconcile(run.runId(), c.parentWireId()), due));
        }
    }

    private void afterCommit(RunState run) {
        if (!run.usage().isEmpty()) {
            usage.add(run.usage());
        }
        if (run.ended()) {
            admission.release(run);
        }
        childLinks.link(run);
        if (run.outbox().isEmpty()) {
            return;
        }
        Set<String> agents = new LinkedHashSet<>();
        run.outbox().forEach(o -> agents.add(o.agent()));
        agentsInUse.note(agents);
        agentListener.accept(agents);
        try {
            if (!outbox.drain(run.runId(), run.outbox())) {
                outbox.markOutboxPending(run.runId(), clock.millis() + Outbox.UNREPLICATED_REDRAIN.toMillis());
            }
        } catch (BackpressureException e) {
            LOG.warn("run {}: dispatch deferred, {}", run.runId(), e.getMessage());
            outbox.markOutboxPending(run.runId(), clock.millis() + 1_000);
        }
    }
}
