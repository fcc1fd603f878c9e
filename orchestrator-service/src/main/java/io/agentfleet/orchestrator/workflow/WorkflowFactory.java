package io.agentfleet.orchestrator.workflow;

import io.agentfleet.lettuce.FleetRedis;
import io.agentfleet.messages.MessageCodec;
import io.agentfleet.orchestrator.config.OrchestratorConfig;
import io.agentfleet.orchestrator.registry.AgentRegistry;
import io.agentfleet.orchestrator.registry.KnownAgents;
import io.agentfleet.orchestrator.registry.KnownAgentsConfig;
import io.agentfleet.orchestrator.workflow.agentloop.PublishedTools;
import io.agentfleet.orchestrator.workflow.engine.RunEngine;
import io.agentfleet.orchestrator.workflow.spec.SpecParser;
import io.agentfleet.orchestrator.workflow.store.Admission;
import io.agentfleet.orchestrator.workflow.store.AgentsInUse;
import io.agentfleet.orchestrator.workflow.store.DailyBudgets;
import io.agentfleet.orchestrator.workflow.store.OrchestratorKeys;
import io.agentfleet.orchestrator.workflow.store.Outbox;
import io.agentfleet.orchestrator.workflow.store.RunStore;
import io.agentfleet.orchestrator.workflow.store.RunStores;
import io.agentfleet.orchestrator.workflow.store.UsageLedger;
import io.agentfleet.tracing.MessageTracing;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the engine's plain classes into the application context. */
@Factory
public class WorkflowFactory {
    @Singleton
    MessageCodec codec() {
        return new MessageCodec();
    }

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Singleton
    SpecParser specParser(
            OrchestratorConfig config, MessageCodec codec, KnownAgents knownAgents, AgentRegistry registry) {
        return new SpecParser(config, codec.limits(), knownAgents, new PublishedTools(registry::publishedTool));
    }

    @Singleton
    KnownAgents knownAgents(KnownAgentsConfig config, AgentRegistry registry) {
        return new KnownAgents(config, registry::registeredTypes);
    }

    @Context
    AgentRegistry agentRegistry(FleetRedis redis, OrchestratorConfig config) {
        return new AgentRegistry(redis, config.keys(), System.getenv());
    }

    @Singleton
    AgentsInUse agentsInUse(FleetRedis redis, OrchestratorConfig config) {
        return new AgentsInUse(redis, new OrchestratorKeys(config.keys()));
    }

    @Singleton
    DailyBudgets dailyBudgets(FleetRedis redis, OrchestratorConfig config) {
        return new DailyBudgets(redis, new OrchestratorKeys(config.keys()), config.keyBudgets());
    }

    @Singleton
    RunStores runStores(
            FleetRedis redis,
            DailyBudgets dailyBudgets,
            Clock clock,
            AgentRegistry registry,
            AgentsInUse agentsInUse,
            MeterRegistry metrics,
            OrchestratorConfig config,
            MessageCodec codec,
            MessageTracing tracing) {
        return new RunStores(
                new RunStore(redis, registry, metrics, config, codec),
                new Outbox(redis, registry, metrics, config, codec, tracing),
                new Admission(redis, config),
                new UsageLedger(redis, new OrchestratorKeys(config.keys()), dailyBudgets, clock),
                agentsInUse);
    }

    @Singleton
    RunService runService(
            SpecParser parser,
            OrchestratorConfig config,
            MessageCodec codec,
            RunStores stores,
            Clock clock,
            MeterRegistry metrics,
            MessageTracing tracing,
            DailyBudgets dailyBudgets) {
        return new RunService(
                new RunEngine(codec, parser, dailyBudgets),
                dailyBudgets,
                stores,
                clock,
                metrics,
                tracing,
                config.schedule().reconcileAfter());
    }
}
