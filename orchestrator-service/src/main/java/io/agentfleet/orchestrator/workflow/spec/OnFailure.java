package io.agentfleet.orchestrator.workflow.spec;

import java.util.Locale;

/**
 * What a failed upstream task means for a task that depends on it (the {@code onFailure} of a {@code dependsOn}
 * edge): {@code fail} the downstream task, {@code skip} it, or {@code continue} and run it without the output.
 */
public enum OnFailure {
    FAIL,
    SKIP,
    CONTINUE;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The policy named {@code wire}, or null when it names none. */
    public static OnFailure fromWire(String wire) {
        for (OnFailure p : values()) {
            if (p.wire().equals(wire)) {
                return p;
            }
        }
        return null;
    }
}
