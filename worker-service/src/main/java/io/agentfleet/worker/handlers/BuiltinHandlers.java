package io.agentfleet.worker.handlers;

import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.AgentHandlerProvider;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * The built-in handler kinds {@code echo}, {@code sleep}, {@code fail}, {@code bench} and {@code steps}, for tests and
 * benchmarks.
 * Any agent type can use one: {@code fleet.agents.<type>.handler=sleep}; an agent type named like a kind gets it by
 * default. Consulted after every other provider.
 */
@Singleton
@Order(Ordered.LOWEST_PRECEDENCE)
public final class BuiltinHandlers implements AgentHandlerProvider, Ordered {
    public static final Set<String> KINDS =
            Set.of(EchoHandler.KIND, SleepHandler.KIND, FailHandler.KIND, BenchHandler.KIND, StepsHandler.KIND);

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public Optional<AgentHandler> handlerFor(String agentType, String handlerKind) {
        return Optional.ofNullable(
                switch (handlerKind) {
                    case EchoHandler.KIND -> new EchoHandler(agentType);
                    case SleepHandler.KIND -> new SleepHandler(agentType);
                    case FailHandler.KIND -> new FailHandler(agentType);
                    case BenchHandler.KIND -> new BenchHandler(agentType);
                    case StepsHandler.KIND -> new StepsHandler(agentType);
                    default -> null;
                });
    }
}
