/**
 * The run blackboard: named, versioned sections of shared state that tasks read in their context and write through a
 * compare-and-set, with an append-only history (the run's BLACKBOARD_* events) and rollback of one agent's or one
 * task's writes. The spec side and the API side live here; the rules applied inside a transition live in the engine
 * ({@code engine.Blackboard}).
 */
package io.agentfleet.orchestrator.workflow.blackboard;
