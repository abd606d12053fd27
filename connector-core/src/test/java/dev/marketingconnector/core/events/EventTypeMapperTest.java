package dev.marketingconnector.core.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventTypeMapperTest {

    @Test
    void lowerCasesAnSapTypeAndDefaultsToV1() {
        EventType type = EventTypeMapper.map("BO.MarketingPermission.Changed");

        assertThat(type.name()).isEqualTo("bo.marketingpermission.changed");
        assertThat(type.version()).isEqualTo("v1");
        assertThat(type.qualified()).isEqualTo("bo.marketingpermission.changed.v1");
    }

    @ParameterizedTest
    @CsvSource({
            "bo.marketingpermission.changed.v1, bo.marketingpermission.changed, v1",
            "BO.Interaction.Created.V2, bo.interaction.created, v2",
            "sap.s4.beh.marketingcampaign.v1.MarketingCampaign.Completed.v1, sap.s4.beh.marketingcampaign.v1.marketingcampaign.completed, v1",
            "order.shipped.v123, order.shipped, v123",
            "order.v1x, order.v1x, v1",
            "order-events.shipped, order-events.shipped, v1"})
    void takesATrailingVersionSuffixAsTheVersion(String input, String name, String version) {
        EventType type = EventTypeMapper.map(input);

        assertThat(type.name()).isEqualTo(name);
        assertThat(type.version()).isEqualTo(version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "bo..changed", ".bo.changed", "bo.changed.", "bo.market_permission.changed",
            "bo.marketing permission.changed", "bo.-changed", "bo.changed-", "bo.ünicode"})
    void rejectsInputThatCannotMakeAKymaTypeAndQuotesIt(String input) {
        assertThatThrownBy(() -> EventTypeMapper.map(input))
                .isInstanceOf(InvalidEventTypeException.class)
                .hasMessageContaining("'" + input + "'");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> EventTypeMapper.map(null)).isInstanceOf(InvalidEventTypeException.class)
                .hasMessageContaining("'null'");
    }

    @Test
    void rejectsNamesLongerThan253Characters() {
        String label = "a".repeat(50);
        String longName = String.join(".", label, label, label, label, label, "b"); // 257 characters

        assertThatThrownBy(() -> EventTypeMapper.map(longName))
                .isInstanceOf(InvalidEventTypeException.class)
                .hasMessageContaining("at most 253");
        String fits = String.join(".", label, label, label, label, "c".repeat(49)); // 253 characters
        assertThat(EventTypeMapper.map(fits).name()).hasSize(253);
    }

    @Test
    void rejectsLabelsLongerThan63Characters() {
        assertThatThrownBy(() -> EventTypeMapper.map("bo." + "x".repeat(64)))
                .isInstanceOf(InvalidEventTypeException.class);
        assertThat(EventTypeMapper.map("bo." + "x".repeat(63)).name()).endsWith("x".repeat(63));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "v12345", "v-1", "v.1"})
    void rejectsVersionsThatAreNotOneToFourAlphanumerics(String version) {
        assertThatThrownBy(() -> EventTypeMapper.of("bo.changed", version))
                .isInstanceOf(InvalidEventTypeException.class)
                .hasMessageContaining("version");
    }

    @Test
    void eventTypeRecordValidatesToo() {
        assertThatThrownBy(() -> new EventType("Upper.Case", "v1")).isInstanceOf(InvalidEventTypeException.class);
        assertThat(new EventType("bo.changed", "v2")).isEqualTo(EventTypeMapper.of("bo.changed", "v2"));
    }
}
