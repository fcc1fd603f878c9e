package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.Priority;
import io.agentfleet.messages.RunEventData;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.messages.TraceContext;
import io.agentfleet.orchestrator.workflow.spec.OnBudget;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run as read from its state hash, plus what one transition changes: dirty hash fields, events, outbox entries,
 * schedule entries, usage deltas. Engine-internal and single-threaded; {@link RunStore} writes it back atomically.
 */
public final class RunState {
    static final String F_VERSION = "version";
    public static final String F_STATUS = "status";
    static final String F_TENANT = "tenant";
    static final String F_PRIORITY = "priority";
    private static final String F_KIND = "kind";
    private static final String F_API_KEY = "apiKey";
    private static final String F_CREATED_AT = "createdAt";
    private static final String F_UPDATED_AT = "updatedAt";
    private static final String F_FINISHED_AT = "finishedAt";
    private static final String F_DEADLINE = "deadline";
    private static final String F_START_AT = "startAt";
    private static final String F_STEPS = "steps";
    private static final String F_MAX_STEPS = "maxSteps";
    private static final String F_TOKENS_IN = "tokensIn";
    private static final String F_TOKENS_OUT = "tokensOut";
    private static final String F_COST = "cost";
    private static final String F_MAX_TOKENS = "maxTokens";
    private static final String F_MAX_COST = "maxCost";
    private static final String F_RESERVED_TOKENS = "reservedTokens";
    private static final String F_ON_BUDGET = "onBudget";
    private static final String F_TRACEPARENT = "traceparent";
    private static final String F_TRACESTATE = "tracestate";
    private static final String F_ERROR = "error";
    private static final String F_SCHEDULE_ID = "scheduleId";
    private static final String F_SCHEDULED_FOR = "scheduledFor";
    static final String TASK_PREFIX = "t:";
    static final String FP_PREFIX = "fp:";

    final String runId;
    final long version;
    private final Map<String, String> fields;
    private final LinkedHashMap<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final Map<String, String> dirty = new LinkedHashMap<>();
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

    /** Parsed task records by task id, matching the {@code t:} fields this state was read from or will commit. */
    private final Map<String, ParsedTask> parsed = new LinkedHashMap<>();

    private RunState(
            String runId,
            long version,
            Map<String, String> fields,
            ObjectMapper mapper,
            Map<String, ParsedTask> known) {
        this.runId = runId;
        this.version = version;
        this.fields = new LinkedHashMap<>(fields);
        parsed.putAll(ParsedTask.readAll(runId, fields, mapper, known));
        parsed.forEach((taskId, p) -> tasks.put(taskId, p.task().copy()));
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
        return new RunState(runId, Long.parseLong(fields.getOrDefault(F_VERSION, "0")), fields, mapper, known);
    }

    static RunState create(String runId, RunSpec spec, String apiKey, String tenant, String kind, Instant now) {
        RunState run = new RunState(runId, 0, Map.of(), null, null);
        long at = now.toEpochMilli();
        run.set(F_STATUS, RunStatus.RUNNING.name());
        run.set(F_KIND, kind);
        run.set(F_API_KEY, apiKey);
        run.set(F_TENANT, tenant);
        if (spec.priority() != Priority.NORMAL) {
            run.set(F_PRIORITY, spec.priority().wire());
        }
        run.set(F_CREATED_AT, Long.toString(at));
        run.set(F_MAX_STEPS, Integer.toString(spec.maxSteps()));
        run.set(F_STEPS, "0");
        if (spec.maxTokens() != null) {
            run.set(F_MAX_TOKENS, Long.toString(spec.maxTokens()));
        }
        if (spec.maxCost() != null) {
            run.set(F_MAX_COST, Double.toString(spec.maxCost()));
        }
        run.set(F_ON_BUDGET, spec.onBudget().name());
        if (spec.deadline() != null) {
            run.set(F_DEADLINE, Long.toString(spec.deadline().toEpochMilli()));
        }
        if (spec.startAt() != null) {
            run.set(F_START_AT, Long.toString(spec.startAt().toEpochMilli()));
        }
        if (spec.trace() != null) {
            run.set(F_TRACEPARENT, spec.trace().traceparent());
            if (spec.trace().tracestate() != null) {
                run.set(F_TRACESTATE, spec.trace().tracestate());
            }
        }
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
        String wire = fields.get(F_PRIORITY);
        return wire == null ? Priority.NORMAL : Priority.fromWire(F_PRIORITY, wire);
    }

    /** The tenant that owns the run; a run created before tenants existed belongs to its key's default tenant. */
    public String tenant() {
        String tenant = fields.get(F_TENANT);
        return tenant != null ? tenant : fields.getOrDefault(F_API_KEY, "anonymous");
    }

    public RunStatus status() {
        return RunStatus.valueOf(fields.get(F_STATUS));
    }

    void moveTo(RunStatus next) {
        Transitions.require(runId, status(), next);
        set(F_STATUS, next.name());
    }

    /** The API key that submitted the run. */
    String apiKey() {
        return fields.get(F_API_KEY);
    }

    /** The caller's trace context, carried on every task message, or null. */
    TraceContext trace() {
        String traceparent = fields.get(F_TRACEPARENT);
        return traceparent == null ? null : new TraceContext(traceparent, fields.get(F_TRACESTATE));
    }

    /** Marks a new run as started by schedule {@code scheduleId} for its tick at {@code scheduledFor}. */
    void startedBy(String scheduleId, Instant scheduledFor) {
        set(F_SCHEDULE_ID, scheduleId);
        set(F_SCHEDULED_FOR, Long.toString(scheduledFor.toEpochMilli()));
    }

    /** The schedule that started the run, or null. */
    public String scheduleId() {
        return fields.get(F_SCHEDULE_ID);
    }

    /** The tick of {@link #scheduleId()} the run was started for, epoch milliseconds, or 0. */
    long scheduledFor() {
        return longField(F_SCHEDULED_FOR);
    }

    public long createdAt() {
        return longField(F_CREATED_AT);
    }

    /** When the run ended, epoch milliseconds, or 0 while it runs. */
    public long finishedAt() {
        return longField(F_FINISHED_AT);
    }

    /** Dispatches made so far (tasks, revisions, reviews). */
    long steps() {
        return longField(F_STEPS);
    }

    long maxSteps() {
        return longField(F_MAX_STEPS);
    }

    void countStep() {
        set(F_STEPS, Long.toString(steps() + 1));
    }

    long tokensIn() {
        return longField(F_TOKENS_IN);
    }

    long tokensOut() {
        return longField(F_TOKENS_OUT);
    }

    double cost() {
        return doubleField(F_COST);
    }

    /** The token budget, or null when the run has none. */
    Long maxTokens() {
        String v = fields.get(F_MAX_TOKENS);
        return v == null ? null : Long.parseLong(v);
    }

    /** The cost budget, or null when the run has none. */
    Double maxCost() {
        String v = fields.get(F_MAX_COST);
        return v == null ? null : Double.parseDouble(v);
    }

    /** Tokens reserved by the dispatches in flight. */
    long reservedTokens() {
        return longField(F_RESERVED_TOKENS);
    }

    void addReserved(long tokens) {
        set(F_RESERVED_TOKENS, Long.toString(reservedTokens() + tokens));
    }

    /** What a ready task that does not fit the budget does; a run stored before this choice existed fails. */
    OnBudget onBudget() {
        return OnBudget.valueOf(fields.getOrDefault(F_ON_BUDGET, OnBudget.FAIL.name()));
    }

    void addUsage(long in, long out, double addedCost) {
        set(F_TOKENS_IN, Long.toString(tokensIn() + in));
        set(F_TOKENS_OUT, Long.toString(tokensOut() + out));
        set(F_COST, Double.toString(cost() + addedCost));
    }

    void touch(Instant now) {
        set(F_UPDATED_AT, Long.toString(now.toEpochMilli()));
    }

    /** Records when the run ended and, unless null, the error it ended with. */
    void recordFinish(Instant now, ObjectNode error) {
        set(F_FINISHED_AT, Long.toString(now.toEpochMilli()));
        if (error != null) {
            set(F_ERROR, error.toString());
        }
    }

    private long longField(String name) {
        String v = fields.get(name);
        return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
    }

    private double doubleField(String name) {
        String v = fields.get(name);
        return v == null || v.isEmpty() ? 0 : Double.parseDouble(v);
    }

    private void set(String name, String value) {
        fields.put(name, value);
        dirty.put(name, value);
    }

    Collection<TaskRecord> tasks() {
        return tasks.values();
    }

    TaskRecord task(String id) {
        return tasks.get(id);
    }

    void addTask(TaskRecord task) {
        tasks.put(task.id, task);
        ArrayNode order = JsonNodeFactory.instance.arrayNode();
        tasks.keySet().forEach(order::add);
        set("order", JsonText.of(order));
        save(task);
    }

    void save(TaskRecord task) {
        String json = task.toJsonText();
        set(TASK_PREFIX + task.id, json);
        parsed.put(task.id, new ParsedTask(json, task.copy()));
    }

    boolean hasFingerprint(String fp) {
        return fields.containsKey(FP_PREFIX + fp);
    }

    String fingerprintOwner(String fp) {
        return fields.get(FP_PREFIX + fp);
    }

    void addFingerprint(String fp, String taskId) {
        set(FP_PREFIX + fp, taskId);
    }

    void event(RunEventData data) {
        events.add(data);
    }

    /** The run's fields as they are in Redis after this transition was committed as {@code newVersion}. */
    public Map<String, String> committedFields(long newVersion) {
        Map<String, String> snapshot = new LinkedHashMap<>(fields);
        snapshot.put(F_VERSION, Long.toString(newVersion));
        return snapshot;
    }

    /** The parsed task records matching {@link #committedFields(long)}. */
    public Map<String, ParsedTask> parsedTasks() {
        return new LinkedHashMap<>(parsed);
    }

    /** Whether this transition changes anything. */
    public boolean changed() {
        return !dirty.isEmpty() || !events.isEmpty();
    }

    public Map<String, String> dirtyFields() {
        return dirty;
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
        return fields.getOrDefault(F_KIND, "workflow");
    }

    long updatedAt() {
        return longField(F_UPDATED_AT);
    }

    /** The run's deadline, epoch milliseconds, or 0 when it has none. */
    long deadline() {
        return longField(F_DEADLINE);
    }

    /** When the run's first tasks are due (a scheduled run), epoch milliseconds, or 0 when it started at once. */
    public long startAt() {
        return longField(F_START_AT);
    }

    /** The agent type of each task this run has dispatched, by wire task id (what a scheduled run may still hold). */
    public Map<String, String> agentsByWireId() {
        Map<String, String> agents = new LinkedHashMap<>();
        for (TaskRecord task : tasks.values()) {
            if (task.wireId != null && task.workflow == null) {
                agents.put(task.wireId, task.currentAgent());
            }
        }
        return agents;
    }

    /** A blackboard field ({@link Blackboard} names them), or null. */
    String blackboardField(String name) {
        return fields.get(Blackboard.PREFIX + name);
    }

    /** The names of the run's blackboard fields, without their prefix. */
    List<String> blackboardFieldNames() {
        return fields.keySet().stream()
                .filter(f -> f.startsWith(Blackboard.PREFIX))
                .map(f -> f.substring(Blackboard.PREFIX.length()))
                .toList();
    }

    void setBlackboardField(String name, String value) {
        set(Blackboard.PREFIX + name, value);
    }

    /** The error the run ended with, as stored (JSON text), or null. */
    String errorText() {
        return fields.get(F_ERROR);
    }

    /** Marks a new run as the child run of {@code parentTask} of {@code parentRun}, {@code depth} levels deep. */
    void childOf(String parentRun, String parentTask, int depth) {
        set(ChildRuns.F_PARENT_RUN, parentRun);
        set(ChildRuns.F_PARENT_TASK, parentTask);
        set(ChildRuns.F_DEPTH, Integer.toString(depth));
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
        return (int) longField(ChildRuns.F_DEPTH);
    }

    public List<ChildStart> childStarts() {
        return childStarts;
    }
}
