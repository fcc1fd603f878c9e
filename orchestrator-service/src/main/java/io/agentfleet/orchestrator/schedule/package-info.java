/**
 * Recurring schedules: a workflow or task template started on a cron expression in a time zone or at a fixed
 * interval, by whichever orchestrator replica claims each due tick first (once per tick, also when a replica dies
 * between claiming a tick and starting its run).
 */
package io.agentfleet.orchestrator.schedule;
