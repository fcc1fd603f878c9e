package io.agentfleet.worker.registry;

import io.agentfleet.messages.config.ConfigException;
import io.agentfleet.worker.config.AgentConfig;
import io.agentfleet.worker.config.ConfigKeys;
import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.AgentHandlerProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Finds the handler of each configured agent type: an {@link AgentHandler} (Micronaut bean first, then
 * {@link ServiceLoader}) whose {@code agentType()} is the type, else the first {@link AgentHandlerProvider} that makes
 * one for {@code (type, fleet.agents.<type>.handler)}. An agent type nobody serves fails start-up.
 */
public final class HandlerRegistry {
    private final List<AgentHandler> handlers;
    private final List<AgentHandlerProvider> providers;

    public HandlerRegistry(List<AgentHandler> beans, List<AgentHandlerProvider> providers) {
        List<AgentHandler> all = new ArrayList<>(beans);
        ServiceLoader.load(AgentHandler.class).forEach(all::add);
        this.handlers = List.copyOf(all);
        this.providers = List.copyOf(providers);
    }

    public AgentHandler handlerFor(AgentConfig agent) {
        for (AgentHandler handler : handlers) {
            if (agent.agentType().equals(handler.agentType())) {
                return handler;
            }
        }
        for (AgentHandlerProvider provider : providers) {
            Optional<AgentHandler> made = provider.handlerFor(agent.agentType(), agent.handlerKind());
            if (made.isPresent()) {
                return made.get();
            }
        }
        TreeSet<String> known = new TreeSet<>();
        handlers.forEach(h -> known.add(h.agentType()));
        String key = ConfigKeys.agentKey(agent.agentType(), ConfigKeys.HANDLER);
        throw new ConfigException(
                key,
                key + "='" + agent.handlerKind() + "': no handler serves agent type '" + agent.agentType()
                        + "' (handlers for agent types " + known + "; providers asked: " + providers.size()
                        + "; built-in kinds echo, sleep, fail, bench)");
    }
}
