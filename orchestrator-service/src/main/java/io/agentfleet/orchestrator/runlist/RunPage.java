package io.agentfleet.orchestrator.runlist;

import java.util.List;

/**
 * A page of the run list.
 *
 * @param next the cursor ({@code before}) of the following page, null when the index has no older run
 */
public record RunPage(List<RunSummary> runs, String next) {
    public RunPage {
        runs = List.copyOf(runs);
    }
}
