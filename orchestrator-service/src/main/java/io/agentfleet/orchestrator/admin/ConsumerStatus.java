package io.agentfleet.orchestrator.admin;

/** A consumer of an agent type's task stream: its pending deliveries and idle time ({@code inactiveMs} null when unknown). */
public record ConsumerStatus(String name, long pending, long idleMs, Long inactiveMs) {}
