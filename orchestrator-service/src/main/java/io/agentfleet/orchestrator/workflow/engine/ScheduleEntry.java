package io.agentfleet.orchestrator.workflow.engine;

/** A member to add to the deadline schedule, due at {@code dueAt} (epoch milliseconds). */
public record ScheduleEntry(String member, long dueAt) {}
