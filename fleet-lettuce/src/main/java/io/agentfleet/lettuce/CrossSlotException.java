package io.agentfleet.lettuce;

/** A script call whose keys are in two hash slots: refused before it is sent (on a cluster it could not run). */
public final class CrossSlotException extends IllegalArgumentException {
    public CrossSlotException(String message) {
        super(message);
    }
}
