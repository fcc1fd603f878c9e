/**
 * The workflow rules as pure functions of a run's state (RunEngine, RunState, TaskRecord): dispatch with its checks and
 * readiness over the DAG (Dispatcher, Dag, DispatchMessage, LoopDetector), review loops (ReviewLoop), planner spawns
 * (PlannerSpawns), how a task settles (TaskSettlement) and how a run ends, parks or resumes (RunCompletion), and the
 * run's public view (RunView). Nothing here touches Redis.
 */
package io.agentfleet.orchestrator.workflow.engine;
