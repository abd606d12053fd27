package dev.marketingconnector.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void toStringNeverShowsTheValue() {
        Secret secret = Secret.of("hunter2");

        assertThat(secret.toString()).doesNotContain("hunter2").isEqualTo("******");
        assertThat(String.valueOf(new Object[] {secret}[0])).doesNotContain("hunter2");
    }

    @Test
    void revealsTheValueOnRequest() {
        assertThat(Secret.of("hunter2").reveal()).isEqualTo("hunter2");
    }

    @Test
    void matchesOnlyTheSameValue() {
        Secret secret = Secret.of("hunter2");

        assertThat(secret.matches("hunter2")).isTrue();
        assertThat(secret.matches("hunter3")).isFalse();
        assertThat(secret.matches("hunter")).isFalse();
        assertThat(secret.matches(null)).isFalse();
        assertThat(secret).isEqualTo(Secret.of("hunter2")).isNotEqualTo(Secret.of("other"));
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> Secret.of(null)).isInstanceOf(NullPointerException.class);
    }
}
