/** Workflow runs: {@code RunService} ties the engine, the store, result intake and scheduling together; {@code WorkflowFactory} wires them. */
package io.agentfleet.orchestrator.workflow;
