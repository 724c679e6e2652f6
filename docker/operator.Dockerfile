# syntax=docker/dockerfile:1
# The operator image: its self-contained jar on a JRE 25, as a non-root user.
#
# Build from the repository root after `./mvnw -B package` has produced operator/target/operator.jar:
#   docker build -f docker/operator.Dockerfile -t REGISTRY/region-router/operator:0.1.0 .
# (operator.Dockerfile.dockerignore keeps the context to that jar.)

ARG JRE_IMAGE=eclipse-temurin:25-jre
FROM ${JRE_IMAGE}
# A fixed numeric user, so Kubernetes' runAsNonRoot can check it (the chart runs as 10001 too).
RUN groupadd --system --gid 10001 operator \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin operator
WORKDIR /app
COPY operator/target/operator.jar /app/operator.jar
USER 10001:10001
# Heap from the container's memory limit; exit (and be restarted) rather than limp on after an
# OutOfMemoryError. The chart sets the same through JAVA_TOOL_OPTIONS, which overrides this.
ENV JAVA_TOOL_OPTIONS="-XX:+UseSerialGC -XX:MaxRAMPercentage=35 -XX:+ExitOnOutOfMemoryError"
# /healthz, /readyz and /metrics (OPERATOR_HTTP_PORT)
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/operator.jar"]
