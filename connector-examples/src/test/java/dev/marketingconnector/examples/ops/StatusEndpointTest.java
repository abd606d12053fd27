package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.config.ConfigurationException;
import org.junit.jupiter.api.Test;

class StatusEndpointTest {

    @Test
    void unsetServesStatusOnTheHttpPort() {
        assertThat(StatusEndpoint.parse(null)).isEqualTo(StatusEndpoint.ON_HTTP_PORT);
        assertThat(StatusEndpoint.parse("  ")).isEqualTo(StatusEndpoint.ON_HTTP_PORT);
    }

    @Test
    void aPortNumberServesStatusThereAlone() {
        assertThat(StatusEndpoint.parse(" 9090 ")).isEqualTo(StatusEndpoint.separatePort(9090));
        assertThat(StatusEndpoint.parse("9090").separate()).hasValue(9090);
    }

    @Test
    void offTurnsItOff() {
        assertThat(StatusEndpoint.parse("OFF")).isEqualTo(StatusEndpoint.OFF);
        assertThat(StatusEndpoint.OFF.separate()).isEmpty();
    }

    @Test
    void anythingElseIsRejectedNamingTheSetting() {
        assertThatThrownBy(() -> StatusEndpoint.parse("yes"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("STATUS_PORT: 'yes' is neither a port number nor 'off'");
        assertThatThrownBy(() -> StatusEndpoint.parse("70000"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("STATUS_PORT: '70000' is not a port (0-65535)");
        assertThatThrownBy(() -> StatusEndpoint.parse("-1")).hasMessageContaining("STATUS_PORT");
    }
}
