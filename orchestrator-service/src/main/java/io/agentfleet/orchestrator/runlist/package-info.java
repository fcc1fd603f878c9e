/**
 * The list of runs ({@code GET /v1/runs}, newest first, filtered by status and API key, paged): an index of run ids
 * per tenant and for the whole fleet, written when a run is submitted, read against each run's state hash.
 */
package io.agentfleet.orchestrator.runlist;
