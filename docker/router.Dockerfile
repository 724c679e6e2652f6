# syntax=docker/dockerfile:1
# The router image: the layered Spring Boot jar on a JRE 25, as a non-root user.
#
# Build from the repository root after `./mvnw -B package` has produced router/target/router.jar:
#   docker build -f docker/router.Dockerfile -t REGISTRY/region-router/router:0.1.0 .
# (router.Dockerfile.dockerignore keeps the context to that jar.)

ARG JRE_IMAGE=eclipse-temurin:25-jre

# Split the Boot jar into its layers: dependencies change rarely, the application on every
# commit, so a rebuild re-pushes only the small last layer.
FROM ${JRE_IMAGE} AS layers
WORKDIR /build
COPY router/target/router.jar router.jar
RUN java -Djarmode=tools -jar router.jar extract --layers --destination extracted

FROM ${JRE_IMAGE}
# A fixed numeric user, so Kubernetes' runAsNonRoot can check it (the chart runs as 10001 too).
RUN groupadd --system --gid 10001 router \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin router
WORKDIR /app
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER 10001:10001
# Heap from the container's memory limit, young generation fixed at half of it, Netty allowed to
# use sun.misc.Unsafe, exit (and be restarted) rather than limp on after an OutOfMemoryError: the
# chart's router.javaOpts (values.yaml says why each), which the chart sets through
# JAVA_TOOL_OPTIONS, overriding this.
ENV JAVA_TOOL_OPTIONS="-XX:+UseParallelGC -XX:MaxRAMPercentage=25 -XX:InitialRAMPercentage=25 -XX:NewRatio=1 -XX:-UseAdaptiveSizePolicy -XX:TrimNativeHeapInterval=5000 --sun-misc-unsafe-memory-access=allow -XX:+ExitOnOutOfMemoryError"
EXPOSE 8000
# args (--router.config-map=..., --router.regions-file=...) are appended by the chart or `docker run`
ENTRYPOINT ["java", "-jar", "/app/router.jar"]
