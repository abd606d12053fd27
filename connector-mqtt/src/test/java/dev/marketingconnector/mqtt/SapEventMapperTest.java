package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.events.BusinessEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SapEventMapperTest {

    private static final Instant RECEIVED = Instant.parse("2024-05-06T07:08:09Z");
    private static final String LEGACY_TOPIC = "sap/mkt/tenant1/BO/MarketingPermission/Changed";

    private final SapEventMapper mapper = new SapEventMapper(List.of("sap/mkt/tenant1"));

    private BusinessEvent map(String topic, String json) {
        return mapper.map(topic, json.getBytes(StandardCharsets.UTF_8), RECEIVED);
    }

    @Test
    void mapsTheLegacySapShape() {
        BusinessEvent event = map(LEGACY_TOPIC, """
                {"eventType":"BO.MarketingPermission.Changed","cloudEventsVersion":"0.1","source":"https://my.s4hana",
                 "eventID":"6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c","eventTime":"2019-02-19T13:56:21Z",
                 "schemaURL":"https://x/$metadata","contentType":"application/json",
                 "data":{"KEY":[{"CONTACTID":"4711"}],"PERMISSIONSTATUS":"Y"}}""");

        assertThat(event.type().name()).isEqualTo("bo.marketingpermission.changed");
        assertThat(event.type().version()).isEqualTo("v1");
        assertThat(event.id()).isEqualTo(UUID.fromString("6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7c"));
        assertThat(event.time()).isEqualTo(OffsetDateTime.parse("2019-02-19T13:56:21Z"));
        assertThat(event.data().path("KEY").get(0).path("CONTACTID").asText()).isEqualTo("4711");
        assertThat(event.data().path("PERMISSIONSTATUS").asText()).isEqualTo("Y");
    }

    @Test
    void mapsCloudEvents10AndTakesTheTrailingVersion() {
        BusinessEvent event = map("ce/sap/s4/beh/marketingcampaign/v1/MarketingCampaign/Completed/v2", """
                {"specversion":"1.0","type":"sap.s4.beh.marketingcampaign.v1.MarketingCampaign.Completed.v2",
                 "source":"/default/sap.s4.beh/tenant","id":"0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9",
                 "time":"2024-01-02T03:04:05.678+01:00","datacontenttype":"application/json",
                 "data":{"MarketingCampaign":"42"}}""");

        assertThat(event.type().name()).isEqualTo("sap.s4.beh.marketingcampaign.v1.marketingcampaign.completed");
        assertThat(event.type().version()).isEqualTo("v2");
        assertThat(event.id()).isEqualTo(UUID.fromString("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"));
        assertThat(event.time()).isEqualTo(OffsetDateTime.parse("2024-01-02T03:04:05.678+01:00"));
        assertThat(event.data().path("MarketingCampaign").asText()).isEqualTo("42");
    }

    @Test
    void takesTheTypeFromTheTopicWithoutItsTopicSpace() {
        BusinessEvent event = map(LEGACY_TOPIC, "{\"data\":{\"a\":1}}");

        assertThat(event.type().qualified()).isEqualTo("bo.marketingpermission.changed.v1");
    }

    @Test
    void takesTheTypeFromACloudEventsTopicWithoutItsPrefix() {
        BusinessEvent event = map("ce/sap/s4/beh/marketingcampaign/v1/MarketingCampaign/Completed/v1", "{\"specversion\":\"1.0\",\"data\":{}}");

        assertThat(event.type().name()).isEqualTo("sap.s4.beh.marketingcampaign.v1.marketingcampaign.completed");
        assertThat(event.type().version()).isEqualTo("v1");
    }

    @Test
    void usesTheWholeTopicWhenNoTopicSpaceMatches() {
        BusinessEvent event = map("BO/Contact/Created", "{\"data\":{}}");

        assertThat(event.type().qualified()).isEqualTo("bo.contact.created.v1");
    }

    @Test
    void stripsTheLongestMatchingTopicSpace() {
        SapEventMapper nested = new SapEventMapper(List.of("sap", "sap/mkt/"));

        assertThat(nested.typeFromTopic("sap/mkt/BO/Contact/Created").qualified()).isEqualTo("bo.contact.created.v1");
        assertThat(nested.topicSpaces()).containsExactly("sap/mkt/", "sap/");
    }

    @Test
    void keepsTheIdOfARedeliveredMessageWhenThePayloadHasNoUuid() {
        String payload = "{\"eventType\":\"BO.Contact.Changed\",\"eventID\":\"not-a-uuid\",\"data\":{\"id\":1}}";

        UUID first = map(LEGACY_TOPIC, payload).id();
        UUID again = map(LEGACY_TOPIC, payload).id();
        UUID otherPayload = map(LEGACY_TOPIC, payload.replace("\"id\":1", "\"id\":2")).id();
        UUID otherTopic = map(LEGACY_TOPIC + "2", payload).id();

        assertThat(again).isEqualTo(first);
        assertThat(otherPayload).isNotEqualTo(first);
        assertThat(otherTopic).isNotEqualTo(first);
        assertThat(first.version()).isEqualTo(3);
    }

    @Test
    void readsSapGuidsOf32HexDigitsAsUuids() {
        BusinessEvent event = map(LEGACY_TOPIC, "{\"eventID\":\"FA163E0E5F8A1EE9ABB8F4B4B2E60F2C\",\"data\":{}}");

        assertThat(event.id()).isEqualTo(UUID.fromString("fa163e0e-5f8a-1ee9-abb8-f4b4b2e60f2c"));
    }

    @Test
    void doesNotTakeLenientlyParsedStringsForUuids() {
        assertThat(SapEventMapper.parseUuid("1-1-1-1-1")).isNull();
        assertThat(SapEventMapper.parseUuid("6a1c9b2e-7d4f-4b8a-9c3e-2f1d0e9b8a7g")).isNull();
        assertThat(SapEventMapper.parseUuid("6a1c9b2e-7d4f-4b8a-9c3e-\u0662f1d0e9b8a7c")).isNull();
    }

    @Test
    void usesTheReceiveTimeWhenThePayloadHasNone() {
        assertThat(map(LEGACY_TOPIC, "{\"data\":{}}").time()).isEqualTo(RECEIVED.atOffset(ZoneOffset.UTC));
    }

    @Test
    void readsATimeWithoutOffsetAsUtc() {
        assertThat(map(LEGACY_TOPIC, "{\"eventTime\":\"2019-02-19T13:56:21\",\"data\":{}}").time())
                .isEqualTo(OffsetDateTime.parse("2019-02-19T13:56:21Z"));
    }

    @Test
    void readsRfc3339TimesLikeTheIsoFormatter() {
        for (String time : new String[] {"2019-02-19T13:56:21Z", "2019-02-19t13:56:21z", "2024-01-02T03:04:05.678+01:00",
                "2024-01-02T03:04:05.123456789-05:30", "2024-02-29T23:59:59.1Z", "2024-01-02T03:04Z"}) {
            assertThat(map(LEGACY_TOPIC, "{\"eventTime\":\"" + time + "\",\"data\":{}}").time())
                    .as(time).isEqualTo(OffsetDateTime.parse(time.toUpperCase(java.util.Locale.ROOT)));
        }
        for (String bad : new String[] {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01T25:00:00Z",
                "2024-01-01T00:00:00+19:00", "2024-01-01T00:00:00Zjunk"}) {
            assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"eventTime\":\"" + bad + "\",\"data\":{}}"))
                    .as(bad).isInstanceOf(EventMappingException.class).hasMessageContaining("RFC 3339");
        }
    }

    @Test
    void acceptsDataOfAnyJsonTypeAndCloudEventsBase64Data() {
        assertThat(map(LEGACY_TOPIC, "{\"data\":[1,2]}").data().size()).isEqualTo(2);
        assertThat(map(LEGACY_TOPIC, "{\"data\":\"text\"}").data().asText()).isEqualTo("text");
        assertThat(map(LEGACY_TOPIC, "{\"specversion\":\"1.0\",\"data_base64\":\"AAE=\"}").data().asText()).isEqualTo("AAE=");
    }

    @Test
    void forwardsTheDataAsTheExactTextItCameInForBothShapes() {
        String data = "{ \"big\": 1e400, \"tiny\": -1e-400, \"long\": 0.1000000000000000055511151231257827,\n"
                + "  \"wide\": 12345678901234567890.123456789, \"list\": [1.0, 2E+3, \"x\\u00e9\"] }";

        BusinessEvent legacy = map(LEGACY_TOPIC, "{\"eventType\":\"BO.MarketingPermission.Changed\",\"data\":" + data + ",\"eventID\":\"x\"}");
        BusinessEvent cloudEvent = map("ce/sap/s4/beh/x/v1/X/Created/v1",
                "{\"specversion\":\"1.0\",\"type\":\"sap.s4.beh.x.v1.X.Created.v1\",\"data\" :\t" + data + "\n}");

        assertThat(legacy.dataText()).isEqualTo(data);
        assertThat(cloudEvent.dataText()).isEqualTo(data);
    }

    @Test
    void keepsScalarDataAndBase64DataAsJsonText() {
        assertThat(map(LEGACY_TOPIC, "{\"data\":-0.0e-0}").dataText()).isEqualTo("-0.0e-0");
        assertThat(map(LEGACY_TOPIC, "{\"data\":\"a\\\"b\",\"x\":1}").dataText()).isEqualTo("\"a\\\"b\"");
        assertThat(map(LEGACY_TOPIC, "{\"data\":true}").dataText()).isEqualTo("true");
        assertThat(map(LEGACY_TOPIC, "{\"specversion\":\"1.0\",\"data\":null,\"data_base64\":\"AAE=\"}").dataText())
                .isEqualTo("\"AAE=\"");
    }

    @Test
    void refusesDataThatIsNotUtf8() {
        byte[] payload = "{\"data\":{\"k\":\"?\"}}".getBytes(StandardCharsets.UTF_8);
        payload[14] = (byte) 0xFF;

        assertThatThrownBy(() -> mapper.map(LEGACY_TOPIC, payload, RECEIVED))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.NOT_JSON));
    }

    @Test
    void mapsASliceOfALargerBuffer() {
        byte[] buffer = "xx{\"data\":{\"k\":\"v\"}}yy".getBytes(StandardCharsets.UTF_8);

        BusinessEvent event = mapper.map(LEGACY_TOPIC, buffer, 2, buffer.length - 4, RECEIVED);

        assertThat(event.data().path("k").asText()).isEqualTo("v");
    }

    @Test
    void rejectsAPayloadThatIsNotJsonWithoutQuotingIt() {
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "password=hunter2"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DeadLetter.Reason.NOT_JSON);
                    assertThat(e.topic()).isEqualTo(LEGACY_TOPIC);
                })
                .hasMessageContaining(LEGACY_TOPIC)
                .hasMessageContaining("line 1")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void rejectsTrailingContentAndTruncatedJson() {
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"data\":{}} {}"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.NOT_JSON));
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"data\":{\"a\":"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.NOT_JSON));
    }

    @Test
    void rejectsJsonThatIsNotAnEvent() {
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "[1,2]"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.INVALID_EVENT))
                .hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"eventType\":\"BO.X.Y\"}"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.INVALID_EVENT))
                .hasMessageContaining("'data'");
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"data\":null}"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.INVALID_EVENT));
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"eventType\":7,\"data\":{}}"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.INVALID_EVENT))
                .hasMessageContaining("'eventType'");
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"eventTime\":\"yesterday\",\"data\":{}}"))
                .isInstanceOfSatisfying(EventMappingException.class, e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.INVALID_EVENT))
                .hasMessageContaining("RFC 3339");
    }

    @Test
    void rejectsAnUnusableEventType() {
        assertThatThrownBy(() -> map(LEGACY_TOPIC, "{\"eventType\":\"BO.Marketing_Permission.Changed\",\"data\":{}}"))
                .isInstanceOfSatisfying(EventMappingException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.INVALID_EVENT_TYPE))
                .hasMessageContaining("marketing_permission");
        assertThatThrownBy(() -> map("sap/mkt/tenant1/", "{\"data\":{}}"))
                .isInstanceOfSatisfying(EventMappingException.class,
                        e -> assertThat(e.reason()).isEqualTo(DeadLetter.Reason.INVALID_EVENT_TYPE));
    }

    @Test
    void rejectsTopicSpacesWithWildcards() {
        assertThatThrownBy(() -> new SapEventMapper(List.of("sap/+/x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sap/+/x");
    }
}
