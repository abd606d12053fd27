package dev.marketingconnector.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventTypeMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SpoolCodecTest {

    private static BusinessEvent event(String data) throws Exception {
        return new BusinessEvent(UUID.fromString("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"), EventTypeMapper.map("BO.MarketingPermission.Changed"),
                OffsetDateTime.parse("2026-01-15T10:30:00.123456789+05:30"), SpoolCodec.readExact(data.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void writesNumbersExactlyAsTheEventHoldsThem() throws Exception {
        BusinessEvent event = event("{\"a\":1e400,\"b\":-1e-400,\"c\":0.1000000000000000055511151231257827,"
                + "\"d\":12345678901234567890.123456789,\"e\":[1,2.50,-0]}");

        String json = new String(SpoolCodec.encodeEvent(event), StandardCharsets.UTF_8);

        assertThat(json).contains("\"a\":1E+400", "\"b\":-1E-400", "\"c\":0.1000000000000000055511151231257827",
                "\"d\":12345678901234567890.123456789", "\"e\":[1,2.50,0]");
        assertThat(SpoolCodec.decodeEvent(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
    }

    @Test
    void dataArrivedAsJsonTextComesBackByteForByte() {
        String data = "{\"a\":1e400, \"b\":-1e-400,\"c\":[1,2.50,-0,-0.0],\"d\":\"\\u00e9\"}";
        BusinessEvent event = BusinessEvent.ofJson(UUID.randomUUID(), EventTypeMapper.map("a.b"), OffsetDateTime.now(), data);

        BusinessEvent back = SpoolCodec.decodeEvent(SpoolCodec.encodeEvent(event));

        assertThat(back.dataText()).isEqualTo(data);
        assertThat(back).isEqualTo(event);
    }

    @Test
    void keepsIdTypeVersionAndTimeWithItsOffset() throws Exception {
        BusinessEvent event = event("{\"KEY\":[{\"ID\":\"1\"}]}");

        BusinessEvent back = SpoolCodec.decodeEvent(SpoolCodec.encodeEvent(event));

        assertThat(back.id()).isEqualTo(event.id());
        assertThat(back.type().qualified()).isEqualTo("bo.marketingpermission.changed.v1");
        assertThat(back.time()).isEqualTo(event.time());
        assertThat(back.time().getOffset()).isEqualTo(event.time().getOffset());
    }

    @Test
    void dataParsedAsDoublesIsWrittenAsItIs() throws Exception {
        var data = new ObjectMapper().readTree("{\"x\":0.5}");
        BusinessEvent event = new BusinessEvent(UUID.randomUUID(), EventTypeMapper.map("a.b"), OffsetDateTime.now(), data);

        assertThat(SpoolCodec.decodeEvent(SpoolCodec.encodeEvent(event)).data().get("x").decimalValue()).isEqualByComparingTo("0.5");
    }

    @Test
    void refusesBytesItDidNotWriteNamingWhatIsWrong() {
        assertThatThrownBy(() -> SpoolCodec.decodeEvent("nope".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> SpoolCodec.decodeEvent("{\"v\":2}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("format version");
        assertThatThrownBy(() -> SpoolCodec.decodeEvent("{\"v\":1,\"type\":\"a\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("'id'");
        assertThatThrownBy(() -> SpoolCodec.decodeDeadLetter("{\"v\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void deadLettersKeepTheirPayloadBytesAndNeverShowThemInToString() {
        byte[] payload = {'s', 'e', 'c', 'r', 'e', 't', 0, (byte) 0x80};
        DeadLetterEntry entry = new DeadLetterEntry(Instant.parse("2026-01-15T10:30:00Z"), "not_json", "not JSON", "t/1", "sap-1",
                DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, payload);

        DeadLetterEntry back = SpoolCodec.decodeDeadLetter(SpoolCodec.encodeDeadLetter(entry));

        assertThat(back).isEqualTo(entry);
        assertThat(back.payload()).containsExactly(payload);
        assertThat(back.toString()).doesNotContain("secret").contains("8 bytes");
    }
}
