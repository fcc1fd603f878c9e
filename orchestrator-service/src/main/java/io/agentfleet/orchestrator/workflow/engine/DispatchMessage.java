package io.agentfleet.orchestrator.workflow.engine;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.AgentMessage;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.messages.MessageCodec;
import java.time.Instant;

/**
 * The message the engine sends an agent for a task or its review: the content (the task's input, the outputs of its
 * completed dependencies, a reviewer's feedback, a human's answer) and the encoded request that carries it.
 */
final class DispatchMessage {
    static final String SENDER = "orchestrator";

    private DispatchMessage() {}

    /** A task's content: its input, the outputs of its completed (effective) dependencies, feedback and answer. */
    static ObjectNode taskContent(RunState run, TaskRecord task) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        content.set("input", task.input);
        ObjectNode context = content.putObject("context");
        for (String dep : Dag.effectiveDeps(run, AgentConversation.owner(run, task).id)) {
            TaskRecord d = run.task(dep);
            if (d.state == TaskState.COMPLETED && d.output != null) {
                context.set(dep, d.output);
            }
        }
        if (task.feedback != null) {
            content.put("feedback", task.feedback);
        }
        if (task.answer != null) {
            content.set("answer", task.answer);
        }
        Teams.annotate(run, task, content);
        content.put("revision", task.revision);
        AgentConversation.decorate(run, task, content);
        Blackboard.attach(run, task, content);
        return content;
    }

    /** A review's content: the task, its agent, its input and the candidate output to judge. */
    static ObjectNode reviewContent(TaskRecord task) {
        ObjectNode content = JsonNodeFactory.instance.objectNode();
        ObjectNode input = content.putObject("input");
        input.put("task", task.id);
        input.put("agent", task.agent);
        input.set("input", task.input);
        input.set("output", task.candidate);
        content.putObject("context").set(task.id, task.candidate);
        content.put("revision", task.revision);
        return content;
    }

    /**
     * The encoded request for {@code agent}, carrying the run's tenant, priority and trace context; a review is not
     * retried by workers ({@code maxAttempts} 0 = their default), a task carries its own attempts.
     */
    static OutboxEntry encode(
            MessageCodec codec,
            RunState run,
            TaskRecord task,
            String agent,
            String wireId,
            ObjectNode content,
            boolean review,
            Long deadline,
            Instant now)
            throws InvalidMessageException {
        return OutboxEntry.of(
                        agent,
                        wireId,
                        codec.encode(AgentMessage.request(agent, content)
                                .taskId(wireId)
                                .runId(run.runId)
                                .tenant(run.tenant())
                                .priority(run.priority())
                                .sender(SENDER)
                                .maxAttempts(review ? 0 : task.maxAttempts)
                                .deadline(deadline)
                                .trace(run.trace())
                                .createdAt(now.toEpochMilli())
                                .build()))
                .atPriority(run.priority());
    }
}
