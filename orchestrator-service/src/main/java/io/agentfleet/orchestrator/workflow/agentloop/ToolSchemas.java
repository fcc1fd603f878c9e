package io.agentfleet.orchestrator.workflow.agentloop;

/** Where the published tool definition of an agent type is looked up when a task names it as a tool. */
@FunctionalInterface
public interface ToolSchemas {
    /** Refuses every tool: for parsers that accept no agent tasks. */
    ToolSchemas NONE = agentType -> null;

    /** The definition published for {@code agentType}, or null when no worker serving it has published one. */
    ToolSpec published(String agentType);
}
