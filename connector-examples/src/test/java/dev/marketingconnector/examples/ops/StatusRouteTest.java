package dev.marketingconnector.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusRouteTest {

    @Test
    void aBrowserGetsHtml() {
        assertThat(StatusRoute.prefersHtml("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8")).isTrue();
        assertThat(StatusRoute.prefersHtml("text/*")).isTrue();
    }

    @Test
    void toolsGetJson() {
        assertThat(StatusRoute.prefersHtml(null)).isFalse();
        assertThat(StatusRoute.prefersHtml("*/*")).isFalse();
        assertThat(StatusRoute.prefersHtml("application/json")).isFalse();
        assertThat(StatusRoute.prefersHtml("text/html;q=0.5, application/json")).isFalse();
        assertThat(StatusRoute.prefersHtml("text/html;q=0")).isFalse();
        assertThat(StatusRoute.prefersHtml("text/html, application/json")).as("a tie goes to JSON").isFalse();
    }

    @Test
    void theQueryOverridesTheAcceptHeader() {
        assertThat(StatusRoute.wantsHtml("format=html", "application/json")).isTrue();
        assertThat(StatusRoute.wantsHtml("x=1&format=json", "text/html")).isFalse();
        assertThat(StatusRoute.wantsHtml("", "text/html")).isTrue();
    }
}
