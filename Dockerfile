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

EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/marketing-connector.jar"]
CMD ["bridge"]
