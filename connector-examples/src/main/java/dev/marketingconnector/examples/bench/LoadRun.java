package dev.marketingconnector.examples.bench;

/**
 * One timed run of a load generator.
 *
 * @param events    events the run was to send
 * @param succeeded events acknowledged (PUBACK, or a 2xx for direct POSTs)
 * @param failed    events whose send failed for good
 * @param nanos     from the first send to the last acknowledgement
 * @param latencies sorted latencies (send → acknowledgement) of the acknowledged events, in nanoseconds
 * @param complete  false when the run timed out before every event was answered
 */
record LoadRun(int events, int succeeded, int failed, long nanos, long[] latencies, boolean complete) {

    double perSecond() {
        return nanos <= 0 ? 0 : succeeded * 1e9 / nanos;
    }

    double p50Millis() {
        return Stats.millis(Stats.percentile(latencies, 50));
    }

    double p99Millis() {
        return Stats.millis(Stats.percentile(latencies, 99));
    }

    double maxMillis() {
        return latencies.length == 0 ? 0 : Stats.millis(latencies[latencies.length - 1]);
    }

    String describe() {
        return String.format("%,d events in %.2f s = %,.0f events/s, latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%s",
                succeeded, nanos / 1e9, perSecond(), p50Millis(), p99Millis(), maxMillis(),
                failed > 0 || !complete ? " (" + failed + " failed" + (complete ? "" : ", timed out") + ")" : "");
    }
}
