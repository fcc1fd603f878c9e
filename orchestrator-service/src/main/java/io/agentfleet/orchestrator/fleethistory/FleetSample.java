package io.agentfleet.orchestrator.fleethistory;

/**
 * One agent type's counts (all partitions together) at one moment.
 *
 * @param at epoch ms of the sample
 * @param results entries on its result streams (a rise is throughput)
 * @param deadLetters entries on its dead-letter streams (a rise is tasks that failed for good)
 */
public record FleetSample(long at, long results, long deadLetters, long lag, long pending, long length, long delayed) {}
