package io.agentfleet.orchestrator.workflow.blackboard;

import java.util.regex.Pattern;

/** The bounds of a run's blackboard; a submission over them is refused (400), a result over them fails its task. */
public final class BlackboardLimits {
    /** Section names: the same alphabet as task ids. */
    public static final Pattern SECTION = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public static final int MAX_SECTIONS = 32;
    /** Bytes of one section's value, as compact JSON (UTF-8). */
    public static final int MAX_SECTION_BYTES = 64 * 1024;
    /** Bytes of all sections' values together. */
    public static final int MAX_RUN_BYTES = 256 * 1024;
    /** History entries per run (writes, conflicts, rollbacks). */
    public static final int MAX_HISTORY = 1000;

    public static final int DEFAULT_CONFLICT_RETRIES = 3;
    public static final int MAX_CONFLICT_RETRIES = 10;

    private BlackboardLimits() {}
}
