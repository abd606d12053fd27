package dev.marketingconnector.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BusinessEventTest {

    private static final UUID ID = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    private static final EventType TYPE = EventTypeMapper.map("BO.MarketingPermission.Changed");
    private static final OffsetDateTime TIME = OffsetDateTime.parse("2024-05-01T10:15:30Z");
    private static final String NUMBERS = "{\"big\": 1e400, \"tiny\": -1e-400, \"long\": 0.1000000000000000055511151231257827,"
            + " \"wide\": 12345678901234567890.123456789, \"int\": 98765432109876543210, \"scale\": 1.10}";

    @Test
    void keepsTheDataTextByteForByte() {
        BusinessEvent event = BusinessEvent.ofJson(ID, TYPE, TIME, NUMBERS);

        assertThat(event.dataText()).isEqualTo(NUMBERS);
        assertThat(event.dataSize()).isEqualTo(NUMBERS.getBytes(StandardCharsets.UTF_8).length);
        assertThat(StandardCharsets.UTF_8.decode(event.dataJson()).toString()).isEqualTo(NUMBERS);
        assertThat(event.dataJson().isReadOnly()).isTrue();
    }

    @Test
    void itsTreeViewKeepsEveryNumbersValue() {
        BusinessEvent event = BusinessEvent.ofJson(ID, TYPE, TIME, NUMBERS);

        assertThat(event.data().get("big").decimalValue()).isEqualByComparingTo(new BigDecimal("1e400"));
        assertThat(event.data().get("tiny").decimalValue()).isEqualByComparingTo(new BigDecimal("-1e-400"));
        assertThat(event.data().get("long").decimalValue()).isEqualTo(new BigDecimal("0.1000000000000000055511151231257827"));
        assertThat(event.data().get("wide").decimalValue()).isEqualTo(new BigDecimal("12345678901234567890.123456789"));
        assertThat(event.data().get("int").bigIntegerValue()).isEqualTo(new BigInteger("98765432109876543210"));
        assertThat(event.data().get("scale").decimalValue()).isEqualTo(new BigDecimal("1.10"));
    }

    @Test
    void takesASliceOfALargerArray() {
        byte[] payload = ("{\"data\":" + NUMBERS + "}").getBytes(StandardCharsets.UTF_8);

        BusinessEvent event = BusinessEvent.ofJson(ID, TYPE, TIME, payload, 8, payload.length - 9);

        assertThat(event.dataText()).isEqualTo(NUMBERS);
    }

    @Test
    void refusesWhatIsNotOneJsonValue() {
        assertThatThrownBy(() -> BusinessEvent.ofJson(ID, TYPE, TIME, "null")).hasMessageContaining("not null").hasMessageContaining(ID.toString());
        assertThatThrownBy(() -> BusinessEvent.ofJson(ID, TYPE, TIME, "")).hasMessageContaining("empty");
        assertThatThrownBy(() -> BusinessEvent.ofJson(ID, TYPE, TIME, "{\"a\":")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> BusinessEvent.ofJson(ID, TYPE, TIME, "{} {}")).hasMessageContaining("after its JSON value");
        assertThatThrownBy(() -> BusinessEvent.ofJson(ID, TYPE, TIME, new byte[] {'"', (byte) 0xFF, '"'}))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> new BusinessEvent(ID, TYPE, TIME, JsonNodeFactory.instance.nullNode())).hasMessageContaining("not null");
    }

    @Test
    void aTreeBecomesItsJsonText() {
        BusinessEvent event = new BusinessEvent(ID, TYPE, TIME, JsonNodeFactory.instance.objectNode().put("KEY", "42").put("n", 1));

        assertThat(event.dataText()).isEqualTo("{\"KEY\":\"42\",\"n\":1}");
        assertThat(event.data().get("KEY").asText()).isEqualTo("42");
    }

    @Test
    void isEqualByIdTypeTimeAndDataText() {
        BusinessEvent a = BusinessEvent.ofJson(ID, TYPE, TIME, "{\"n\":1}");
        BusinessEvent b = new BusinessEvent(ID, TYPE, TIME, JsonNodeFactory.instance.objectNode().put("n", 1));

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(BusinessEvent.ofJson(ID, TYPE, TIME, "{\"n\": 1}"));
        assertThat(a.toString()).contains(ID.toString(), "bo.marketingpermission.changed.v1", "{\"n\":1}");
    }
}
