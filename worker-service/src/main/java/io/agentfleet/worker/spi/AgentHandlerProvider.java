package io.agentfleet.worker.spi;

import java.util.Optional;

/**
 * Makes handlers for agent types that are configured rather than coded, such as an {@code llm} handler bound to an
 * agent type's model and prompt ({@code fleet.agents.<type>.handler=llm}). Consulted for every configured agent type
 * that no {@link AgentHandler} serves directly.
 */
public interface AgentHandlerProvider {

    /**
     * @param agentType the agent type to serve
     * @param handlerKind the configured handler kind for it ({@code fleet.agents.<type>.handler}, default the type name)
     * @return a handler when this provider makes that kind, else empty
     */
    Optional<AgentHandler> handlerFor(String agentType, String handlerKind);
}
