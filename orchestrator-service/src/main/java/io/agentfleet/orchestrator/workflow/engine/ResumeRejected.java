package io.agentfleet.orchestrator.workflow.engine;

/** A resume that cannot be applied; {@code conflict} distinguishes 409 (wrong state) from 400 (bad request). */
public final class ResumeRejected extends RuntimeException {
    public final String field;
    public final boolean conflict;

    ResumeRejected(String field, String reason, boolean conflict) {
        super(reason);
        this.field = field;
        this.conflict = conflict;
    }
}
