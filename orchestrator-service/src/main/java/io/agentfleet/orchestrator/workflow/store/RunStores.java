package io.agentfleet.orchestrator.workflow.store;

/** What a run's transitions write to Redis, by capability. */
public record RunStores(RunStore runs, Outbox outbox, Admission admission, UsageLedger usage, AgentsInUse agents) {}
