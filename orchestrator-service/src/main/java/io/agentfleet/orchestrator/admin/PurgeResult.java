package io.agentfleet.orchestrator.admin;

/** How many dead letters a purge deleted, and where a bounded scan stopped (null = it read to the end). */
public record PurgeResult(String agent, long purged, String next) {}
