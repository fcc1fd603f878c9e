package io.agentfleet.orchestrator.idempotency;

/** The response to a submission, kept so that a repeat of it gets the same answer. */
public record StoredResponse(int status, String body, String location) {}
