package io.agentfleet.fleetctl;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.agentfleet.client.FleetAdminClient;
import io.agentfleet.client.FleetClient;
import io.agentfleet.client.FleetClientOptions;
import io.agentfleet.client.FleetConnectionException;
import io.agentfleet.client.FleetWorkflowClient;
import io.agentfleet.messages.FleetException;
import io.agentfleet.messages.InvalidMessageException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code fleetctl}: the operator CLI. It talks to Redis only (through {@code fleet-client}), so it works while the
 * orchestrator is down; only {@code schedule} goes through the orchestrator's HTTP API, which validates and owns
 * schedules. Exit codes: {@value #OK} ok, {@value #FAILED} not found / failed, {@value #USAGE} usage
 * error, {@value #UNREACHABLE} Redis unreachable.
 */
@Command(
        name = "fleetctl",
        mixinStandardHelpOptions = true,
        versionProvider = FleetCtl.Version.class,
        description = "Operate an AgentFleet through its Redis: queue status, dead letters, submit (now or scheduled),"
                + " cancel a scheduled task, runs; schedules through the orchestrator's HTTP API.",
        subcommands = {
            StatusCommand.class,
            DeadCommand.class,
            SubmitCommand.class,
            CancelCommand.class,
            RunCommand.class,
            ScheduleCommand.class,
            BlackboardCommand.class
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:ok",
            "1:not found, refused or failed",
            "2:usage error",
            "3:Redis (schedule: the orchestrator API) unreachable"
        })
public final class FleetCtl implements Callable<Integer> {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int UNREACHABLE = 3;

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Option(
            names = "--redis",
            scope = ScopeType.INHERIT,
            paramLabel = "URI",
            defaultValue = "${env:REDIS_URL:-redis://127.0.0.1:6379}",
            description = "Redis URL: redis:// or rediss:// (one node; a cluster node is detected), redis://h1:p1,h2:p2"
                    + " (cluster seeds) or redis-sentinel://s1:p1,s2:p2#master (default: $REDIS_URL, else"
                    + " ${DEFAULT-VALUE}). FLEET_REDIS_MODE, FLEET_REDIS_SENTINEL_PASSWORD and"
                    + " FLEET_AGENTS_<TYPE>_PARTITIONS are read from the environment")
    String redis;

    @Option(
            names = "--prefix",
            scope = ScopeType.INHERIT,
            paramLabel = "PREFIX",
            defaultValue = "${env:FLEET_PREFIX:-fleet}",
            description = "Key prefix (default: $FLEET_PREFIX, else ${DEFAULT-VALUE})")
    String prefix;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON for scripts")
    boolean json;

    @Spec
    CommandSpec spec;

    private final InputStream in;
    private final Function<String, String> environment;

    public FleetCtl() {
        this(System.in);
    }

    /** A CLI reading confirmations from {@code in}. */
    public FleetCtl(InputStream in) {
        this(in, System::getenv);
    }

    /** A CLI reading confirmations from {@code in} and its settings ({@code FLEET_REDIS_*}, partitions) from {@code environment}. */
    public FleetCtl(InputStream in, Function<String, String> environment) {
        this.in = in;
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new FleetCtl()).execute(args));
    }

    /** The configured command line: exit codes and error reporting as documented on this class. */
    public static CommandLine commandLine(FleetCtl root) {
        CommandLine commandLine = new CommandLine(root);
        commandLine.setExecutionExceptionHandler(FleetCtl::handle);
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    /** The producer's client, for submitting and awaiting tasks. */
    FleetClient connect() {
        return FleetClient.connect(options());
    }

    /** The operator's client: dead letters and statistics. */
    FleetAdminClient connectAdmin() {
        return FleetAdminClient.connect(options());
    }

    /** The workflow client, for following runs (state and events straight from Redis). */
    FleetWorkflowClient connectWorkflows() {
        return FleetWorkflowClient.connect(options());
    }

    private FleetClientOptions options() {
        FleetClientOptions.Builder options = FleetClientOptions.builder()
                .redisUri(redis)
                .prefix(prefix)
                .poolSize(2)
                .commandTimeout(Duration.ofSeconds(5))
                .redisMode(environment.apply("FLEET_REDIS_MODE"))
                .sentinelPassword(environment.apply("FLEET_REDIS_SENTINEL_PASSWORD"))
                .environment(environment);
        String replicas = environment.apply("FLEET_REDIS_WAIT_REPLICAS");
        if (replicas != null && !replicas.isBlank()) {
            String timeout = environment.apply("FLEET_REDIS_WAIT_TIMEOUT");
            options.waitReplicas(
                    Integer.parseInt(replicas.trim()),
                    timeout == null || timeout.isBlank()
                            ? FleetClientOptions.DEFAULT_WAIT_TIMEOUT
                            : io.agentfleet.messages.Durations.parse(timeout.trim()));
        }
        return options.build();
    }

    boolean json() {
        return json;
    }

    InputStream in() {
        return in;
    }

    static FleetCtl root(CommandSpec spec) {
        return (FleetCtl) spec.root().userObject();
    }

    private static int handle(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        int code = switch (e) {
            case FleetConnectionException unreachable -> UNREACHABLE;
            case OrchestratorApi.ApiUnreachable unreachable -> UNREACHABLE;
            case InvalidMessageException invalid -> USAGE;
            case IllegalArgumentException invalid -> USAGE;
            case FleetException failed -> FAILED;
            default -> -1;
        };
        if (code < 0) {
            err.println("fleetctl: unexpected error: " + e);
            e.printStackTrace(err);
            err.flush();
            return FAILED;
        }
        err.println("fleetctl: " + e.getMessage());
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FleetCtl.class.getPackage().getImplementationVersion();
            return new String[] {"fleetctl " + (version == null ? "development" : version)};
        }
    }
}
