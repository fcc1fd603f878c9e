# syntax=docker/dockerfile:1.7
#
# AgentFleet orchestrator: HTTP intake API (/v1), workflow engine, scheduler, admin API.
#
# Build from the repository root (the build context must hold the whole Maven
# reactor):
#
#   docker build -f deploy/orchestrator.Dockerfile -t agentfleet/orchestrator-service:dev .
#
# BuildKit (the default builder since Docker 23, and in docker compose v2)
# applies deploy/orchestrator.Dockerfile.dockerignore to the context. The legacy
# builder does not: copy that file to ./.dockerignore if you must use it.

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

############################## build ##########################################
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
# .mvn/jvm.config carries --sun-misc-unsafe-memory-access=allow, an option of
# JDK 23+ that silences Maven's Unsafe warnings on the developers' JDK 25. The
# JDK 21 of this build image refuses to start with it, so drop it here.
RUN rm -f .mvn/jvm.config
# -am builds the modules orchestrator-service depends on (common-messages, and
# the test-scoped test-support, fleet-client and worker-service that the test
# compile needs).
# The cache mount keeps ~/.m2 between builds without baking it into a layer.
# fleet-tools (its AotTraining writes the AOT cache below) comes along; it
# depends on every service module, so those are built too.
RUN --mount=type=cache,target=/root/.m2/repository \
    mvn -B -ntp -DskipTests -pl orchestrator-service,fleet-tools -am package \
 && test -f orchestrator-service/target/orchestrator-service.jar \
 && test -d orchestrator-service/target/lib \
 && test -f fleet-tools/target/fleet-tools.jar

############################## AOT cache ######################################
# On a JDK 25+ runtime image, a training run (the service against a private
# Redis until it is ready) writes the JDK AOT
# cache (JEP 483/514) that the entrypoint maps at every start: the classes of
# the start-up path come loaded and linked. JDK 21 (the default runtime) has no
# AOT cache: /app/aot stays empty and the service starts without one. The
# runtime stage copies /app from here, so the jars keep the exact size and time
# the cache was trained on (a JVM ignores a cache whose jars changed).
FROM ${RUNTIME_IMAGE} AS aot
WORKDIR /app
COPY --from=build /src/orchestrator-service/target/lib/ /app/lib/
COPY --from=build /src/orchestrator-service/target/orchestrator-service.jar /app/orchestrator-service.jar
COPY --from=build /src/fleet-tools/target/lib/ /training/lib/
COPY --from=build /src/fleet-tools/target/fleet-tools.jar /training/fleet-tools.jar
RUN set -eux; \
    mkdir -p /app/aot; \
    major="$(java -XshowSettings:properties -version 2>&1 \
      | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')"; \
    if [ "${major:-0}" -ge 25 ]; then \
      java -cp /training/fleet-tools.jar io.agentfleet.tools.aot.AotTraining \
        orchestrator-service /app/orchestrator-service.jar /app/aot/orchestrator-service.aot; \
    fi

############################## runtime ########################################
FROM ${RUNTIME_IMAGE} AS runtime

# HEALTHCHECK uses curl. eclipse-temurin:21-jre (Ubuntu) ships curl and wget
# today, but Temurin dropped curl from its 22+ images and may do so here too:
# install it only when it is missing, and leave no apt lists behind.
RUN set -eux; \
    if ! command -v curl >/dev/null 2>&1; then \
      apt-get update; \
      DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl; \
      rm -rf /var/lib/apt/lists/*; \
    fi; \
    groupadd --system --gid 10001 agentfleet; \
    useradd --system --uid 10001 --gid 10001 --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin agentfleet

WORKDIR /app
# Owned by root and not writable by the service user: the application never
# writes under /app. The jars and (JDK 25+) the AOT cache from the aot stage.
COPY --from=aot /app/ /app/

# Read-only root filesystem friendly: the JVM and the service write only to
# /tmp (hsperfdata, Netty scratch files). Mount a tmpfs/emptyDir there when the
# root filesystem is read-only (docker run --read-only --tmpfs /tmp,
# Kubernetes readOnlyRootFilesystem + emptyDir).
VOLUME ["/tmp"]

# Heap sized from the container's memory limit (75%), leaving a quarter for
# metaspace, Netty direct buffers, thread stacks and the code cache. Exit on
# OOM so Docker/Kubernetes restarts the container instead of limping on.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -Dfile.encoding=UTF-8"
# One JSON object per log line (with taskId, runId, traceId) for log collectors.
ENV FLEET_LOG_FORMAT=json

USER 10001:10001
EXPOSE 8080

# Liveness, not readiness: "healthy" means the process works. Readiness (which
# also reflects Redis reachability) belongs to Kubernetes' readinessProbe; a
# Redis outage must not make Docker/Swarm restart every service container.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS -o /dev/null http://127.0.0.1:8080/health/liveness || exit 1

LABEL org.opencontainers.image.title="agentfleet-orchestrator-service" \
      org.opencontainers.image.description="AgentFleet orchestrator: HTTP intake API (/v1), workflow engine, scheduler, admin API." \
      org.opencontainers.image.vendor="AgentFleet"

# The JVM is PID 1 and handles SIGTERM itself: shutdown hooks run the graceful
# drain (stop reading, finish in-flight work within FLEET_SHUTDOWN_GRACE).
STOPSIGNAL SIGTERM
# With the AOT cache when the aot stage wrote one (JDK 25+); exec keeps the JVM
# as PID 1.
ENTRYPOINT ["/bin/sh", "-c", "aot=; if [ -f /app/aot/orchestrator-service.aot ]; then aot=-XX:AOTCache=/app/aot/orchestrator-service.aot; fi; exec java $aot -jar /app/orchestrator-service.jar \"$@\"", "orchestrator-service"]
