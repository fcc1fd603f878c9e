package io.agentfleet.messages;

/** What an {@link AgentMessage} is: a task to run, its outcome, progress, or a question back to a human. */
public enum MessageType {
    /** A task for the recipient agent type. */
    REQUEST,
    /** A successful outcome; {@code content} holds the output. */
    RESULT,
    /** A terminal failure (dead-lettered, expired or cancelled); {@code content} is an {@link ErrorContent}. */
    ERROR,
    /** Progress reported while a task runs. */
    UPDATE,
    /** The agent cannot go on without an answer from a human; parks a workflow run in NEEDS_HUMAN. */
    CLARIFICATION_NEEDED
}
