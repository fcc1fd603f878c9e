package io.agentfleet.fleetctl;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The orchestrator's base URL and API key: a mixin of every command that goes through the orchestrator's HTTP API. */
final class ApiOptions {
    @Option(
            names = "--api",
            scope = ScopeType.INHERIT,
            paramLabel = "URL",
            defaultValue = "${env:FLEET_API_URL:-http://localhost:8080}",
            description = "The orchestrator's base URL (default: $FLEET_API_URL, else ${DEFAULT-VALUE})")
    String api;

    @Option(
            names = "--api-key",
            scope = ScopeType.INHERIT,
            paramLabel = "KEY",
            defaultValue = "${env:FLEET_API_KEY}",
            description = "The API key: what it reads or changes belongs to its tenant, unless it is an operator key"
                    + " (default: $FLEET_API_KEY)")
    String apiKey;

    OrchestratorApi client() {
        return new OrchestratorApi(api, apiKey);
    }
}
