package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.testing.RecordingEventPublisher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Client values with line breaks and other control characters, and very long ones, reach the log
 * (DEBUG included) only escaped and cut: no client can add a line to the log or bloat it.
 */
class LogForgingTest {

    private static final String FORGED = "10:00:00.000 [main] ERROR dev.marketingconnector FORGED";

    @Test
    void clientValuesCannotForgeLogLines() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        String longTopic = TestBridge.TOPIC_SPACE + "/" + "t".repeat(65_000);
        try (TestBridge bridge = TestBridge.start(new RecordingEventPublisher(), b -> b.route("/boom", request -> {
            throw new IllegalStateException("the route quotes its query: "
                    + java.net.URLDecoder.decode(request.query(), StandardCharsets.UTF_8));
        }))) {
            try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
                raw.send(RawMqtt.connect("client\n" + FORGED + "\r\n", 30, true, null)).expect(RawMqtt.CONNACK);
                raw.send(RawMqtt.publish(TestBridge.TOPIC_SPACE + "/BO/X\r\n" + FORGED, 1, 1,
                        "not json".getBytes(StandardCharsets.UTF_8), false)).expect(RawMqtt.PUBACK);
                raw.send(RawMqtt.publish(TestBridge.TOPIC_SPACE + "/BO/X/Y", 1, 2,
                        ("{\"eventType\":\"BO.X\\n" + FORGED + "\",\"data\":{}}").getBytes(StandardCharsets.UTF_8), false))
                        .expect(RawMqtt.PUBACK);
                raw.send(RawMqtt.publish(longTopic, 1, 3, "{}".getBytes(StandardCharsets.UTF_8), false)).expect(RawMqtt.PUBACK);
                raw.send(RawMqtt.publish("a/+/wildcard\n" + FORGED, 1, 4, new byte[0], false));
                raw.awaitClosed(java.time.Duration.ofSeconds(5));
            }
            try (RawHttp http = RawHttp.connect(bridge.port())) {
                assertThat(http.write("GET /boom?q=%1b[2K%0d%0a" + "FORGED HTTP/1.1\r\nHost: b\r\n\r\n").read().status())
                        .isEqualTo(500);
            }
        } finally {
            System.setErr(original);
        }

        String log = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = log.lines().toList();
        assertThat(log).as("the values did reach the log, escaped")
                .contains("client\\n" + FORGED + "\\r\\n")
                .contains("BO/X\\r\\n" + FORGED)
                .contains("\\u001b[2K");
        assertThat(lines).as("no line begins with what a client sent").noneMatch(line -> line.startsWith(FORGED)
                || line.startsWith("FORGED") || line.startsWith("\u001b"));
        assertThat(log).doesNotContain("\u001b");
        assertThat(lines).filteredOn(line -> line.contains("tttt")).isNotEmpty()
                .allSatisfy(line -> assertThat(line).contains("...(").hasSizeLessThan(2_000));
    }
}
