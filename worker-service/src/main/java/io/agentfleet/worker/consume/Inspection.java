package io.agentfleet.worker.consume;

import io.agentfleet.worker.deadletter.DeadLetterCause;

/** What {@link DeliveryInspector} found a delivery to be: a task to run, or one to dead-letter unrun. */
sealed interface Inspection {

    /** A valid task within its attempts and deadline. */
    record Run(Task task) implements Inspection {}

    /** The entry's body was gone; nothing of it can be answered. */
    record Trimmed(DeadLetterCause cause) implements Inspection {}

    /** The entry is not a valid task; it is answered under its task id when one can be found in its text. */
    record Invalid(DeadLetterCause cause) implements Inspection {}

    /** A valid task that must not run: past its attempts or its deadline. */
    record Rejected(Task task, DeadLetterCause cause) implements Inspection {}
}
