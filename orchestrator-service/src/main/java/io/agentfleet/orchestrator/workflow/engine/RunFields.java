package io.agentfleet.orchestrator.workflow.engine;

import io.agentfleet.messages.Priority;
import io.agentfleet.messages.RunStatus;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's state hash as read (an HGETALL) by field name, and the fields one transition sets in it, which {@link
 * io.agentfleet.orchestrator.workflow.store.RunStore} writes back. The names and text formats here are the stored
 * format: runs stored by earlier versions must keep reading.
 */
final class RunFields {
    static final String F_VERSION = "version";
    static final String F_STATUS = "status";
    static final String F_TENANT = "tenant";
    static final String F_PRIORITY = "priority";
    static final String F_KIND = "kind";
    static final String F_API_KEY = "apiKey";
    static final String F_CREATED_AT = "createdAt";
    static final String F_UPDATED_AT = "updatedAt";
    static final String F_FINISHED_AT = "finishedAt";
    static final String F_DEADLINE = "deadline";
    static final String F_START_AT = "startAt";
    static final String F_STEPS = "steps";
    static final String F_MAX_STEPS = "maxSteps";
    static final String F_TOKENS_IN = "tokensIn";
    static final String F_TOKENS_OUT = "tokensOut";
    static final String F_COST = "cost";
    static final String F_MAX_TOKENS = "maxTokens";
    static final String F_MAX_COST = "maxCost";
    static final String F_RESERVED_TOKENS = "reservedTokens";
    static final String F_ON_BUDGET = "onBudget";
    static final String F_TRACEPARENT = "traceparent";
    static final String F_TRACESTATE = "tracestate";
    static final String F_ERROR = "error";
    static final String F_SCHEDULE_ID = "scheduleId";
    static final String F_SCHEDULED_FOR = "scheduledFor";
    static final String F_ORDER = "order";
    static final String TASK_PREFIX = "t:";
    static final String FP_PREFIX = "fp:";

    private final Map<String, String> fields;
    private final Map<String, String> dirty = new LinkedHashMap<>();

    RunFields(Map<String, String> stored) {
        this.fields = new LinkedHashMap<>(stored);
    }

    /** Writes the fields a new run of {@code spec} starts with, created at {@code at} (epoch milliseconds). */
    void writeNew(RunSpec spec, String apiKey, String tenant, String kind, long at) {
        set(F_STATUS, RunStatus.RUNNING.name());
        set(F_KIND, kind);
        set(F_API_KEY, apiKey);
        set(F_TENANT, tenant);
        if (spec.priority() != Priority.NORMAL) {
            set(F_PRIORITY, spec.priority().wire());
        }
        set(F_CREATED_AT, Long.toString(at));
        set(F_MAX_STEPS, Integer.toString(spec.maxSteps()));
        set(F_STEPS, "0");
        if (spec.maxTokens() != null) {
            set(F_MAX_TOKENS, Long.toString(spec.maxTokens()));
        }
        if (spec.maxCost() != null) {
            set(F_MAX_COST, Double.toString(spec.maxCost()));
        }
        set(F_ON_BUDGET, spec.onBudget().name());
        if (spec.deadline() != null) {
            set(F_DEADLINE, Long.toString(spec.deadline().toEpochMilli()));
        }
        if (spec.startAt() != null) {
            set(F_START_AT, Long.toString(spec.startAt().toEpochMilli()));
        }
        if (spec.trace() != null) {
            set(F_TRACEPARENT, spec.trace().traceparent());
            if (spec.trace().tracestate() != null) {
                set(F_TRACESTATE, spec.trace().tracestate());
            }
        }
    }

    String get(String name) {
        return fields.get(name);
    }

    String getOrDefault(String name, String absent) {
        return fields.getOrDefault(name, absent);
    }

    boolean has(String name) {
        return fields.containsKey(name);
    }

    /** A number field; absent or empty reads as 0. */
    long longField(String name) {
        String v = fields.get(name);
        return v == null || v.isEmpty() ? 0 : Long.parseLong(v);
    }

    double doubleField(String name) {
        String v = fields.get(name);
        return v == null || v.isEmpty() ? 0 : Double.parseDouble(v);
    }

    /** A limit field, or null when the run has none. */
    Long optionalLong(String name) {
        String v = fields.get(name);
        return v == null ? null : Long.parseLong(v);
    }

    Double optionalDouble(String name) {
        String v = fields.get(name);
        return v == null ? null : Double.parseDouble(v);
    }

    void set(String name, String value) {
        fields.put(name, value);
        dirty.put(name, value);
    }

    /** The names of the fields starting with {@code prefix}, without it. */
    List<String> namesAfter(String prefix) {
        return fields.keySet().stream()
                .filter(f -> f.startsWith(prefix))
                .map(f -> f.substring(prefix.length()))
                .toList();
    }

    /** All fields as they are now. */
    Map<String, String> all() {
        return Collections.unmodifiableMap(fields);
    }

    /** The fields as they are in Redis after this transition was committed as {@code newVersion}. */
    Map<String, String> committed(long newVersion) {
        Map<String, String> snapshot = new LinkedHashMap<>(fields);
        snapshot.put(F_VERSION, Long.toString(newVersion));
        return snapshot;
    }

    /** The fields this transition set, in the order it set them. */
    Map<String, String> dirty() {
        return dirty;
    }
}
