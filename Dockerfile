# Image for the runnable connector. The jar is built outside Docker first:
#
#   mvn -B -ntp package -DskipTests
#   docker build -t <registry>/marketing-connector:0.1.0 .
#
# Default command: `bridge` (the long-running event endpoint). Override the arguments for the
# other commands, e.g. `docker run --rm --env-file connector.env <image> register --dry-run`.
FROM eclipse-temurin:17-jre

WORKDIR /app
# Owned by root and read-only for the runtime user: the app cannot modify itself.
COPY connector-examples/target/marketing-connector.jar /app/marketing-connector.jar

# Numeric so that Kubernetes can verify runAsNonRoot without a passwd lookup.
USER 65532:65532

# glibc would give each busy thread a malloc arena of its own (64 MiB of address space, part of it
# resident); two are plenty for a JVM whose own memory comes from the heap and Netty's pools.
ENV MALLOC_ARENA_MAX=2

EXPOSE 8080
# The JVM sizes itself from the container's memory limit (the chart's 512 MiB; see deploy/README.md):
# - heap 40 % of the limit (205 MiB at 512 MiB): the bridge keeps under 100 MiB of live data even
#   with 4096 messages in flight, the rest is room for the young generation;
# - direct memory (Netty's pooled buffers) capped at 64 MiB: it would default to the heap size again;
# - Serial GC: one or two CPUs, a small heap, short young collections, no per-region overhead;
# - exit on OutOfMemoryError so that Kubernetes restarts the pod instead of it limping on.
# Metaspace, code cache, thread stacks and the GC take about 100 MiB on top: peak RSS under load and
# under a flood stays below 80 % of the limit (BENCHMARKS.md, "Fits its pod").
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=40", "-XX:MaxDirectMemorySize=64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/marketing-connector.jar"]
CMD ["bridge"]
