package io.agentfleet.tools.bench;

import io.agentfleet.testsupport.RedisProcess;
import java.nio.file.Path;

/** W3: workflow runs through the orchestrator. Wired once the orchestrator service lands. */
final class WorkflowBench {
    private WorkflowBench() {}

    static Figures run(RedisProcess redis, Path logDir, String name) {
        throw new UnsupportedOperationException("W3 needs the orchestrator service");
    }
}
