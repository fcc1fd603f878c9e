package io.agentfleet.orchestrator.schedule;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentfleet.messages.InvalidMessageException;
import io.agentfleet.orchestrator.http.ApiException;
import io.agentfleet.orchestrator.workflow.spec.PayloadTooLargeException;
import io.agentfleet.orchestrator.workflow.spec.RunSpec;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.spec.TaskSpec;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.time.Instant;

/**
 * A schedule's template read as the submission it stands for, with the same validation as {@code POST /v1/workflows}
 * or {@code POST /v1/tasks} and the tenant's agent allowlist: at creation, so a bad template is refused then, and again
 * at each tick, as the agent types or limits may have changed since. Errors name the field under the template's key
 * ({@code workflow.tasks[0].agent}).
 */
@Singleton
class ScheduleTemplates {
    private final SpecParser parser;

    ScheduleTemplates(SpecParser parser) {
        this.parser = parser;
    }

    RunSpec parse(String kind, ObjectNode template, String tenant, Instant now) {
        RunSpec spec;
        try {
            spec = kind.equals(Schedule.TASK)
                    ? parser.singleTask(template.deepCopy(), now)
                    : parser.workflow(template.deepCopy(), now);
        } catch (PayloadTooLargeException e) {
            throw new ApiException(HttpStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large", at(kind, e), e.reason());
        } catch (InvalidMessageException e) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request", at(kind, e), e.reason());
        }
        for (int i = 0; i < spec.tasks().size(); i++) {
            TaskSpec task = spec.tasks().get(i);
            String field = kind + (kind.equals(Schedule.TASK) ? "." : ".tasks[" + i + "].");
            requireAllowed(tenant, task.agent(), field + "agent");
            if (task.review() != null) {
                requireAllowed(tenant, task.review().agent(), field + "review.agent");
            }
            if (task.fallback() != null) {
                requireAllowed(tenant, task.fallback(), field + "fallback");
            }
        }
        return spec;
    }

    private void requireAllowed(String tenant, String agent, String field) {
        if (!parser.allowsAgent(tenant, agent)) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN,
                    "forbidden",
                    field,
                    "tenant '" + tenant + "' may not use agent type '" + agent + "'");
        }
    }

    private static String at(String kind, InvalidMessageException e) {
        return e.field() == null || e.field().isEmpty() ? kind : kind + "." + e.field();
    }
}
