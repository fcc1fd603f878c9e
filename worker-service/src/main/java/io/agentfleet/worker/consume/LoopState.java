package io.agentfleet.worker.consume;

/** Where a consumer loop is in its life. */
public enum LoopState {
    STARTING,
    RUNNING,
    /** The last Redis call failed; the loop waits and tries again. */
    BACKING_OFF,
    STOPPED
}
