package io.agentfleet.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.redis.testcontainers.RedisContainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.utility.DockerImageName;

/**
 * Redis in a Testcontainers container. The host port is fixed when the container is created, so
 * that a Docker stop/start (our {@link #stop()}/{@link #start()}) keeps the URI; the AOF lives in
 * the container's {@code /data}, which survives a stop.
 */
final class ContainerRedis implements RedisBackend {

    /** Same major version as docker-compose.yml. Overrides the image, e.g. {@code -Dagentfleet.redis.image=redis:7.4}. */
    static final String IMAGE_PROPERTY = "agentfleet.redis.image";

    static final String DEFAULT_IMAGE = "redis:7.2";

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int STOP_TIMEOUT_SECONDS = 10;

    private static Boolean dockerAvailable;

    private final RedisContainer container;
    private final int port;
    private boolean paused;

    private ContainerRedis(RedisContainer container, int port) {
        this.container = container;
        this.port = port;
    }

    /** Asked once per JVM: without Docker, Testcontainers takes a moment and logs an error. */
    static synchronized boolean dockerAvailable() {
        if (dockerAvailable == null) {
            try {
                dockerAvailable = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                dockerAvailable = false;
            }
        }
        return dockerAvailable;
    }

    static ContainerRedis start(boolean aof) {
        int port = FreePort.pick();
        RedisContainer container =
                new RedisContainer(DockerImageName.parse(System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE)));
        container.setPortBindings(List.of(port + ":" + RedisContainer.REDIS_PORT));
        container.withCommand(command(aof).toArray(String[]::new));
        container.start();
        return new ContainerRedis(container, port);
    }

    private static List<String> command(boolean aof) {
        List<String> command =
                new ArrayList<>(List.of("redis-server", "--save", "", "--appendonly", aof ? "yes" : "no"));
        if (aof) {
            command.addAll(List.of("--appendfsync", "always"));
        }
        command.addAll(List.of("--protected-mode", "no"));
        return command;
    }

    @Override
    public String uri() {
        return "redis://" + host() + ":" + port;
    }

    @Override
    public String host() {
        return container.getRedisHost();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String describe() {
        return "Testcontainers Redis " + container.getDockerImageName() + " on " + uri();
    }

    @Override
    public boolean isControllable() {
        return true;
    }

    @Override
    public synchronized void stop() {
        if (isRunning()) {
            resume();
            docker().stopContainerCmd(container.getContainerId())
                    .withTimeout(STOP_TIMEOUT_SECONDS)
                    .exec();
        }
    }

    @Override
    public synchronized void kill() {
        if (isRunning()) {
            docker().killContainerCmd(container.getContainerId())
                    .withSignal("SIGKILL")
                    .exec();
            paused = false;
        }
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            throw new IllegalStateException("Redis container is already running on " + uri());
        }
        docker().startContainerCmd(container.getContainerId()).exec();
        Await.until(READY_TIMEOUT, () -> RespPing.answers(host(), port), "Redis container to answer PING on " + uri());
    }

    @Override
    public synchronized void restart() {
        stop();
        start();
    }

    @Override
    public synchronized void pause() {
        if (!isRunning()) {
            throw new IllegalStateException("cannot pause the Redis container on " + uri() + ": it is not running");
        }
        if (!paused) {
            docker().pauseContainerCmd(container.getContainerId()).exec();
            paused = true;
        }
    }

    @Override
    public synchronized void resume() {
        if (paused) {
            docker().unpauseContainerCmd(container.getContainerId()).exec();
            paused = false;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        Boolean running = docker().inspectContainerCmd(container.getContainerId())
                .exec()
                .getState()
                .getRunning();
        return Boolean.TRUE.equals(running);
    }

    @Override
    public synchronized void close() {
        container.stop();
    }

    private static DockerClient docker() {
        return DockerClientFactory.instance().client();
    }
}
