package dev.marketingconnector.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void leavesOrdinaryValuesAlone() {
        assertThat(LogSafe.of("sap/mkt/tenant1/BO/Contact/Changed")).isEqualTo("sap/mkt/tenant1/BO/Contact/Changed");
        assertThat(LogSafe.of("Ärger über Ümlaute ✓")).isEqualTo("Ärger über Ümlaute ✓");
        assertThat(LogSafe.of(null)).isEqualTo("null");
    }

    @Test
    void escapesWhatCouldStartALineOrDisguiseOne() {
        assertThat(LogSafe.of("a\r\n10:00:00.000 ERROR forged")).isEqualTo("a\\r\\n10:00:00.000 ERROR forged");
        assertThat(LogSafe.of("tab\there")).isEqualTo("tab\\there");
        assertThat(LogSafe.of("esc\u001b[31mred")).isEqualTo("esc\\u001b[31mred");
        assertThat(LogSafe.of("nel\u0085ls\u2028ps\u2029")).isEqualTo("nel\\u0085ls\\u2028ps\\u2029");
        assertThat(LogSafe.of("rtl\u202eevil")).isEqualTo("rtl\\u202eevil");
        assertThat(LogSafe.of("back\\n-slash")).as("a literal backslash-n stays distinguishable").isEqualTo("back\\\\n-slash");
        assertThat(LogSafe.of("nul\u0000")).isEqualTo("nul\\u0000");
    }

    @Test
    void cutsLongValuesSayingHowMuchIsLeftOut() {
        String topic = "t".repeat(65_200);

        assertThat(LogSafe.of(topic)).isEqualTo("t".repeat(200) + "...(65000 more)");
        assertThat(LogSafe.of("\n".repeat(300))).isEqualTo("\\n".repeat(200) + "...(100 more)");
    }

    @Test
    void neverSplitsASurrogatePair() {
        String value = "x".repeat(199) + "😀" + "y".repeat(10);

        assertThat(LogSafe.of(value)).isEqualTo("x".repeat(199) + "...(12 more)");
    }

    @Test
    void makesExceptionMessagesSafeButKeepsTheirFrames() {
        IllegalStateException cause = new IllegalStateException("bad topic\nFORGED");

        Throwable safe = LogSafe.throwable(cause);

        assertThat(safe.getMessage()).isEqualTo("java.lang.IllegalStateException: bad topic\\nFORGED");
        assertThat(safe.getStackTrace()).isEqualTo(cause.getStackTrace());
    }
}
