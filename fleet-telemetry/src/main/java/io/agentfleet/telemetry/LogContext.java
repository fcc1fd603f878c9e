package io.agentfleet.telemetry;

import java.util.Locale;
import org.slf4j.MDC;

/**
 * The MDC keys {@code taskId}, {@code runId} and {@code traceId} that JSON logs carry. They are only rendered by the
 * JSON format ({@code FLEET_LOG_FORMAT=json}, see the services' logback.xml), so with the readable default they are
 * not set at all and the hot path pays one boolean check.
 */
public final class LogContext {
    public static final String TASK_ID = "taskId";
    public static final String RUN_ID = "runId";
    public static final String TRACE_ID = "traceId";
    /** The variable (environment, or system property of the same name) logback.xml reads too. */
    public static final String FORMAT_VARIABLE = "FLEET_LOG_FORMAT";

    private static final boolean ENABLED = isJson(System.getProperty(FORMAT_VARIABLE, System.getenv(FORMAT_VARIABLE)));

    private LogContext() {}

    static boolean isJson(String format) {
        return format != null && format.trim().toLowerCase(Locale.ROOT).equals("json");
    }

    /** True when logs are JSON, i.e. when the MDC keys are worth setting. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Sets the keys that are not null (call only when {@link #enabled()}); undo with {@link #clear()}. */
    public static void put(String taskId, String runId, String traceId) {
        if (taskId != null) {
            MDC.put(TASK_ID, taskId);
        }
        if (runId != null) {
            MDC.put(RUN_ID, runId);
        }
        if (traceId != null) {
            MDC.put(TRACE_ID, traceId);
        }
    }

    public static void clear() {
        MDC.remove(TASK_ID);
        MDC.remove(RUN_ID);
        MDC.remove(TRACE_ID);
    }
}
