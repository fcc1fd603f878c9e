/** A run as submitted: the parser and validation of workflow and single-task submissions and planner spawns, and the run and task specs. */
package io.agentfleet.orchestrator.workflow.spec;
