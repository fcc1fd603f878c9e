package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.RunEventData;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A run as read from its state hash, plus what one transition changes: dirty hash fields, events, outbox entries,
 * schedule entries, usage deltas. Engine-internal and single-threaded; {@link RunStore} writes it back atomically.
 */
public final class RunState {
    public static final String F_STATUS = RunFields.F_STATUS;

    final String runId;
    final long version;
    private final RunFields fields;
    private final RunTasks tasks;
    private final RunSpend spend;
    final List<RunEventData> events = new ArrayList<>();
    final List<OutboxEntry> outbox = new ArrayList<>();
    final List<ScheduleEntry> deadlines = new ArrayList<>();
    /** Wire task ids this transition stops waiting for: their timeout and reconcile members leave the schedule. */
    final List<String> settled = new ArrayList<>();

    final List<UsageDelta> usage = new ArrayList<>();
    /** Child runs this transition's sub-workflow dispatches start once it is committed. */
    final List<ChildStart> childStarts = new ArrayList<>();

    boolean setCancel;
    boolean ended;

    private RunState(
            String runId,
            long version,
            Map<String, String> fields,
            ObjectMapper mapper,
            Map<String, ParsedTask> known) {
        this.runId = runId;
        this.version = version;
        this.fields = new RunFields(fields);
        this.tasks = new RunTasks(runId, this.fields, mapper, known);
        this.spend = new RunSpend(this.fields);
    }

    /** The run stored in {@code fields} (an HGETALL), or null when there is none. */
    public static RunState load(String runId, Map<String, String> fields, ObjectMapper mapper) {
        return load(runId, fields, mapper, null);
    }

    /** As {@link #load(String, Map, ObjectMapper)}, reusing {@code known} records whose stored text is unchanged. */
    public static RunState load(
            String runId, Map<String, String> fields, ObjectMapper mapper, Map<String, ParsedTask> known) {
        if (fields == null || fields.isEmpty() || !fields.containsKey(F_STATUS)) {
            return null;
        }
        return new RunState(
                runId, Long.parseLong(fields.getOrDefault(RunFields.F_VERSION, "0")), fields, mapper, known);
    }

    static RunState create(String runId, RunSpec spec, String apiKey, String tenant, String kind, Instant now) {
        RunState run = new RunState(runId, 0, Map.of(), null, null);
        long at = now.toEpochMilli();
        run.fields.writeNew(spec, apiKey, tenant, kind, at);
        for (TaskSpec task : spec.tasks()) {
            run.addTask(new TaskRecord(task, null, at));
        }
        return run;
    }

    public String runId() {
        return runId;
    }

    public long version() {
        return version;
    }

    /** The level of the run's tasks; runs created before priorities existed are NORMAL. */
    public Priority priority() {
        String wire = fields.get(RunFields.F_PRIORITY);
        return wire == null ? Priority.NORMAL : Priority.fromWire(RunFields.F_PRIORITY, wire);
    }

    /** The tenant that owns the run; a run created before tenants existed belongs to its key's default tenant. */
    public String tenant() {
        String tenant = fields.get(RunFields.F_TENANT);
        return tenant != null ? tenant : fields.getOrDefault(RunFields.F_API_KEY, "anonymous");
    }

    public RunStatus status() {
        return RunStatus.valueOf(fields.get(F_STATUS));
    }

    void moveTo(RunStatus next) {
        Transitions.require(runId, status(), next);
        fields.set(F_STATUS, next.name());
    }

    /** The API key that submitted the run. */
    String apiKey() {
        return fields.get(RunFields.F_API_KEY);
    }

    /** The caller's trace context, carried on every task message, or null. */
    TraceContext trace() {
        String traceparent = fields.get(RunFields.F_TRACEPARENT);
        return traceparent == null ? null : new TraceContext(traceparent, fields.get(RunFields.F_TRACESTATE));
    }

    /** Marks a new run as started by schedule {@code scheduleId} for its tick at {@code scheduledFor}. */
    void startedBy(String scheduleId, Instant scheduledFor) {
        fields.set(RunFields.F_SCHEDULE_ID, scheduleId);
        fields.set(RunFields.F_SCHEDULED_FOR, Long.toString(scheduledFor.toEpochMilli()));
    }

    /** The schedule that started the run, or null. */
    public String scheduleId() {
        return fields.get(RunFields.F_SCHEDULE_ID);
    }

    /** The tick of {@link #scheduleId()} the run was started for, epoch milliseconds, or 0. */
    long scheduledFor() {
        return fields.longField(RunFields.F_SCHEDULED_FOR);
    }

    public long createdAt() {
        return fields.longField(RunFields.F_CREATED_AT);
    }

    /** When the run ended, epoch milliseconds, or 0 while it runs. */
    public long finishedAt() {
        return fields.longField(RunFields.F_FINISHED_AT);
    }

    /** Dispatches made so far (tasks, revisions, reviews). */
    long steps() {
        return fields.longField(RunFields.F_STEPS);
    }

    long maxSteps() {
        return fields.longField(RunFields.F_MAX_STEPS);
    }

    void countStep() {
        fields.set(RunFields.F_STEPS, Long.toString(steps() + 1));
    }

    /** The run's spend and budgets. */
    RunSpend spend() {
        return spend;
    }

    void touch(Instant now) {
        fields.set(RunFields.F_UPDATED_AT, Long.toString(now.toEpochMilli()));
    }

    /** Records when the run ended and, unless null, the error it ended with. */
    void recordFinish(Instant now, ObjectNode error) {
        fields.set(RunFields.F_FINISHED_AT, Long.toString(now.toEpochMilli()));
        if (error != null) {
            fields.set(RunFields.F_ERROR, error.toString());
        }
    }

    Collection<TaskRecord> tasks() {
        return tasks.all();
    }

    TaskRecord task(String id) {
        return tasks.get(id);
    }

    void addTask(TaskRecord task) {
        tasks.add(task);
    }

    void save(TaskRecord task) {
        tasks.save(task);
    }

    boolean hasFingerprint(String fp) {
        return fields.has(RunFields.FP_PREFIX + fp);
    }

    String fingerprintOwner(String fp) {
        return fields.get(RunFields.FP_PREFIX + fp);
    }

    void addFingerprint(String fp, String taskId) {
        fields.set(RunFields.FP_PREFIX + fp, taskId);
    }

    void event(RunEventData data) {
        events.add(data);
    }

    /** The run's fields as they are in Redis after this transition was committed as {@code newVersion}. */
    public Map<String, String> committedFields(long newVersion) {
        tasks.writeSaved();
        return fields.committed(newVersion);
    }

    /** The parsed task records matching {@link #committedFields(long)}. */
    public Map<String, ParsedTask> parsedTasks() {
        return tasks.parsed();
    }

    /** Whether this transition changes anything. */
    public boolean changed() {
        return !fields.dirty().isEmpty() || tasks.hasUnsaved() || !events.isEmpty();
    }

    public Map<String, String> dirtyFields() {
        tasks.writeSaved();
        return fields.dirty();
    }

    /** Whether this transition ended the run. */
    public boolean ended() {
        return ended;
    }

    /** Whether the run's tasks are to be cancelled on the workers (it ended other than COMPLETED). */
    public boolean setCancel() {
        return setCancel;
    }

    public List<RunEventData> events() {
        return events;
    }

    public List<OutboxEntry> outbox() {
        return outbox;
    }

    public List<ScheduleEntry> deadlines() {
        return deadlines;
    }

    public List<UsageDelta> usage() {
        return usage;
    }

    public List<String> settled() {
        return settled;
    }

    String kind() {
        return fields.getOrDefault(RunFields.F_KIND, "workflow");
    }

    long updatedAt() {
        return fields.longField(RunFields.F_UPDATED_AT);
    }

    /** The run's deadline, epoch milliseconds, or 0 when it has none. */
    long deadline() {
        return fields.longField(RunFields.F_DEADLINE);
    }

    /** When the run's first tasks are due (a scheduled run), epoch milliseconds, or 0 when it started at once. */
    public long startAt() {
        return fields.longField(RunFields.F_START_AT);
    }

    /** The agent type of each task this run has dispatched, by wire task id (what a scheduled run may still hold). */
    public Map<String, String> agentsByWireId() {
        return tasks.agentsByWireId();
    }

    /** A blackboard field ({@link Blackboard} names them), or null. */
    String blackboardField(String name) {
        return fields.get(Blackboard.PREFIX + name);
    }

    /** The names of the run's blackboard fields, without their prefix. */
    List<String> blackboardFieldNames() {
        return fields.namesAfter(Blackboard.PREFIX);
    }

    void setBlackboardField(String name, String value) {
        fields.set(Blackboard.PREFIX + name, value);
    }

    /** The error the run ended with, as stored (JSON text), or null. */
    String errorText() {
        return fields.get(RunFields.F_ERROR);
    }

    /** Marks a new run as the child run of {@code parentTask} of {@code parentRun}, {@code depth} levels deep. */
    void childOf(String parentRun, String parentTask, int depth) {
        fields.set(ChildRuns.F_PARENT_RUN, parentRun);
        fields.set(ChildRuns.F_PARENT_TASK, parentTask);
        fields.set(ChildRuns.F_DEPTH, Integer.toString(depth));
    }

    /** The run whose sub-workflow task started this run, or null for a submitted run. */
    public String parentRun() {
        return fields.get(ChildRuns.F_PARENT_RUN);
    }

    String parentTask() {
        return fields.get(ChildRuns.F_PARENT_TASK);
    }

    /** How many sub-workflow levels deep the run is: 0 for a submitted run. */
    int depth() {
        return (int) fields.longField(ChildRuns.F_DEPTH);
    }

    public List<ChildStart> childStarts() {
        return childStarts;
    }
}
