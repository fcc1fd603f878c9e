/**
 * What a run's transitions write to Redis, and the key names used: the run hash with its COMMIT (RunStore), the outbox
 * of dispatches on their way to the task streams (Outbox), tenant admission (Admission), usage totals (UsageLedger) and
 * the agent types in use (AgentsInUse).
 */
package io.agentfleet.orchestrator.workflow.store;
