/**
 * The last minutes of each agent type's stream counts, sampled by this orchestrator replica itself, for the
 * console's sparklines ({@code GET /v1/fleet/history}); no Prometheus needed.
 */
package io.agentfleet.orchestrator.fleethistory;
