package dev.marketingconnector.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageJvmFlagsTest {

    private static final Path SOURCE = Path.of("Dockerfile");

    @TempDir
    Path dir;

    @Test
    void readsTheJavaOptionsOfAnExecFormEntrypointUpToTheJar() {
        ImageJvmFlags flags = ImageJvmFlags.parse("""
                FROM eclipse-temurin:17-jre
                COPY app.jar /app/marketing-connector.jar
                ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-jar", "/app/marketing-connector.jar"]
                CMD ["bridge"]
                """, SOURCE);

        assertThat(flags.commandLine()).containsExactly("-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC");
        assertThat(flags.environment()).isEmpty();
    }

    @Test
    void takesTheJvmVariablesFromEnvInEitherFormAndQuoted() {
        ImageJvmFlags flags = ImageJvmFlags.parse("""
                FROM eclipse-temurin:17-jre
                ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:MaxDirectMemorySize=64m \\
                    -Xss256k" OTHER=1
                ENV JDK_JAVA_OPTIONS -XX:+ExitOnOutOfMemoryError
                # ENV JAVA_TOOL_OPTIONS=-Xmx1g
                ENTRYPOINT ["/opt/java/openjdk/bin/java", "-jar", "/app/marketing-connector.jar"]
                """, SOURCE);

        assertThat(flags.environment())
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60 -XX:MaxDirectMemorySize=64m  -Xss256k")
                .containsEntry("JDK_JAVA_OPTIONS", "-XX:+ExitOnOutOfMemoryError")
                .doesNotContainKey("OTHER");
        assertThat(flags.commandLine()).isEmpty();
        assertThat(flags.describe()).contains("JAVA_TOOL_OPTIONS=", "java ");
    }

    @Test
    void expandsVariablesOfAShellFormEntrypointAndSkipsTheClassPath() {
        ImageJvmFlags flags = ImageJvmFlags.parse("""
                FROM eclipse-temurin:17-jre AS runtime
                ARG HEAP_SHARE=70
                ENV JAVA_OPTS="-XX:MaxRAMPercentage=${HEAP_SHARE} -Dfile.encoding=UTF-8"
                ENTRYPOINT exec java $JAVA_OPTS --add-opens java.base/java.lang=ALL-UNNAMED -cp /app/lib/* dev.marketingconnector.Main
                """, SOURCE);

        assertThat(flags.commandLine()).containsExactly("-XX:MaxRAMPercentage=70", "-Dfile.encoding=UTF-8", "--add-opens",
                "java.base/java.lang=ALL-UNNAMED");
    }

    @Test
    void readsOnlyTheLastStageAndShCommandLines() {
        ImageJvmFlags flags = ImageJvmFlags.parse("""
                FROM maven:3-eclipse-temurin-17 AS build
                ENV JAVA_TOOL_OPTIONS=-Xmx2g
                ENTRYPOINT ["java", "-Xmx4g", "-jar", "build.jar"]
                FROM eclipse-temurin:17-jre
                ENTRYPOINT ["sh", "-c", "java -XX:MaxRAMPercentage=50 -jar /app/marketing-connector.jar \\"$@\\"", "--"]
                """, SOURCE);

        assertThat(flags.commandLine()).containsExactly("-XX:MaxRAMPercentage=50");
        assertThat(flags.environment()).as("the build stage's ENV does not reach the image").isEmpty();
    }

    @Test
    void refusesAnImageWhoseJavaCommandItCannotSee() {
        assertThatThrownBy(() -> ImageJvmFlags.parse("FROM x\nENTRYPOINT [\"/app/run.sh\"]\n", SOURCE))
                .hasMessageContaining("does not run java directly").hasMessageContaining("--bridge-jvm-option");
        assertThatThrownBy(() -> ImageJvmFlags.parse("FROM x\nCMD [\"java\", \"-jar\", \"a.jar\"]\n", SOURCE))
                .hasMessageContaining("no ENTRYPOINT");
    }

    @Test
    void readsTheProjectsOwnDockerfileAsTheImageRunsIt() throws Exception {
        Path dockerfile = ImageJvmFlags.locate(null);
        ImageJvmFlags flags = ImageJvmFlags.read(dockerfile);

        assertThat(Files.readString(dockerfile)).contains("marketing-connector.jar");
        assertThat(flags.commandLine()).as("every flag is a JVM option").allSatisfy(option -> assertThat(option).startsWith("-"));
        assertThat(flags.commandLine()).doesNotContain("-jar");
    }

    @Test
    void aGivenDockerfileMustExist() {
        assertThatThrownBy(() -> ImageJvmFlags.locate(dir.resolve("Dockerfile"))).hasMessageContaining("--dockerfile")
                .hasMessageContaining("no such file");
    }
}
