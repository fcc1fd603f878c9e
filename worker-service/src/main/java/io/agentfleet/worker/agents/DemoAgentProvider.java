package io.agentfleet.worker.agents;

import io.agentfleet.worker.spi.AgentHandler;
import io.agentfleet.worker.spi.AgentHandlerProvider;
import io.micronaut.context.env.Environment;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * The deterministic demo agents, offline and keyless: {@code planner}, {@code researcher}, {@code coder},
 * {@code reviewer}, and for the agent-loop demo the tools {@code search} and {@code read_url} and a tool-calling model
 * stand-in, kind {@code demo-model}. Each serves the agent type of its name, and any agent type configured with
 * {@code fleet.agents.<type>.handler=<kind>}; configuring {@code handler=llm} for one of these names hands it to the
 * LLM handler instead. Pacing comes from {@code fleet.demo-agents.*} ({@link DemoAgentSettings}).
 */
@Singleton
public final class DemoAgentProvider implements AgentHandlerProvider {
    /** The handler kinds this provider makes. */
    public static final Set<String> KINDS = Set.of(
            PlannerAgent.KIND,
            ResearcherAgent.KIND,
            CoderAgent.KIND,
            ReviewerAgent.KIND,
            DemoModelAgent.KIND,
            SearchToolAgent.KIND,
            ReadUrlToolAgent.KIND);

    private final DemoAgentSettings settings;
    private final DemoAgent.Sleeper sleeper;

    @Inject
    public DemoAgentProvider(Environment environment) {
        this(DemoAgentSettings.from(key -> environment.getProperty(key, String.class)), DemoAgent.THREAD_SLEEP);
    }

    DemoAgentProvider(DemoAgentSettings settings, DemoAgent.Sleeper sleeper) {
        this.settings = settings;
        this.sleeper = sleeper;
    }

    public DemoAgentSettings settings() {
        return settings;
    }

    @Override
    public Optional<AgentHandler> handlerFor(String agentType, String handlerKind) {
        String kind = handlerKind == null || handlerKind.isBlank() ? agentType : handlerKind;
        return Optional.ofNullable(
                switch (kind) {
                    case PlannerAgent.KIND -> new PlannerAgent(agentType, settings, sleeper);
                    case ResearcherAgent.KIND -> new ResearcherAgent(agentType, settings, sleeper);
                    case CoderAgent.KIND -> new CoderAgent(agentType, settings, sleeper);
                    case ReviewerAgent.KIND -> new ReviewerAgent(agentType, settings, sleeper);
                    case DemoModelAgent.KIND -> new DemoModelAgent(agentType, settings, sleeper);
                    case SearchToolAgent.KIND -> new SearchToolAgent(agentType, settings, sleeper);
                    case ReadUrlToolAgent.KIND -> new ReadUrlToolAgent(agentType, settings, sleeper);
                    default -> null;
                });
    }
}
