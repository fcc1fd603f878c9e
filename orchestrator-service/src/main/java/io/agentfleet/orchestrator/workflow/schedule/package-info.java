/**
 * Scheduling: the members of the shared schedule (run deadlines, task timeouts, reconcile checks) and the watchers that
 * claim and fire them, with the outbox sweeper.
 */
package io.agentfleet.orchestrator.workflow.schedule;
