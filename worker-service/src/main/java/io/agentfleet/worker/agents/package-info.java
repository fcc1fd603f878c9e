/**
 * Deterministic demo agents that need no API key: {@code planner}, {@code researcher}, {@code coder},
 * {@code reviewer} ({@link io.agentfleet.worker.agents.DemoAgentProvider}), paced by {@code fleet.demo-agents.delay}
 * (range, default {@code 300ms..1s}), {@code fleet.demo-agents.failure-rate} (default 0) and
 * {@code fleet.demo-agents.seed} (default 42). {@link io.agentfleet.worker.agents.TaskContent} reads a REQUEST's
 * content by the fleet's conventions.
 */
package io.agentfleet.worker.agents;
