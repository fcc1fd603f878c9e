package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a child run ended, as its parent's sub-workflow task settles with it.
 *
 * @param output the outputs of the child's completed sink tasks by task id, when it completed
 * @param failure the parent task's failure ({@code type} CHILD_&lt;status&gt; or CHILD_NOT_STARTED), else null
 */
public record ChildEnd(
        String parentRun,
        String parentTask,
        String childRun,
        JsonNode output,
        ObjectNode failure,
        long tokensIn,
        long tokensOut,
        double cost) {}
