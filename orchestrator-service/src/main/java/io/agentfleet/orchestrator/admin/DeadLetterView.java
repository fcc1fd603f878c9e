package io.agentfleet.orchestrator.admin;

import io.agentfleet.messages.DeadLetter;

/** A dead letter and the partition whose dead-letter stream holds it. */
public record DeadLetterView(int partition, DeadLetter letter) {}
