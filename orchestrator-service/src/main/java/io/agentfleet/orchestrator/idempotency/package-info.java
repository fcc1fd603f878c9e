/**
 * {@code Idempotency-Key} on submissions: a repeat with the same key and body returns the first response, a repeat with
 * another body is refused, and a replica that dies mid-submission cannot make a repeat start a second run.
 */
package io.agentfleet.orchestrator.idempotency;
