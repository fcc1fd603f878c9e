package io.agentfleet.orchestrator.workflow.engine;

/** Usage to add to the per-key, per-agent and per-tenant counters once the transition is committed. */
public record UsageDelta(String apiKey, String tenant, String agent, long tokensIn, long tokensOut, double cost) {}
