package io.agentfleet.orchestrator.workflow.blackboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's blackboard as submitted.
 *
 * @param sections initial values by section name, in submission order
 * @param tasks each declaring task's access, by task id
 */
public record BlackboardSpec(Map<String, JsonNode> sections, Map<String, TaskAccess> tasks) {
    public static final BlackboardSpec NONE = new BlackboardSpec(Map.of(), Map.of());

    public BlackboardSpec {
        sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
        tasks = Collections.unmodifiableMap(new LinkedHashMap<>(tasks));
    }

    /** Whether the run uses a blackboard at all; a run that does not treats {@code output.blackboard} as plain output. */
    public boolean used() {
        return !sections.isEmpty() || !tasks.isEmpty();
    }
}
