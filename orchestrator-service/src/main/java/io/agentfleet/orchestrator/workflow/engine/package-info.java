/** The workflow rules as pure functions of a run's state (RunEngine, RunState, TaskRecord): readiness over the DAG, dispatch composition, loop detection. Nothing here touches Redis. */
package io.agentfleet.orchestrator.workflow.engine;
