package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.internal.LogSafe;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Logs repeated refusals from one source address as one line per interval with counts, instead of
 * one line each: "37 refused token requests from 10.0.0.7 in the last 60 s: 30 invalid_client,
 * 7 throttled". The first refusal of an address starts its interval; {@link #flush()} (called about
 * once a second) writes the line when the interval is over. At most {@value #MAX_ADDRESSES}
 * addresses are told apart; beyond that they are counted together.
 */
final class FailureLog {

    static final int MAX_ADDRESSES = 10_000;
    static final String OTHER_ADDRESSES = "(other addresses)";

    private final Logger log;
    private final boolean warn;
    private final String what;
    private final Clock clock;
    private final long intervalMillis;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        final long since;
        final Map<String, Long> counts = new LinkedHashMap<>();

        Entry(long since) {
            this.since = since;
        }
    }

    /**
     * @param what what is counted, plural, e.g. "refused token requests"
     * @param warn WARN rather than INFO
     */
    FailureLog(Logger log, boolean warn, String what, Duration interval, Clock clock) {
        this.log = log;
        this.warn = warn;
        this.what = what;
        this.clock = clock;
        this.intervalMillis = interval.toMillis();
    }

    /** Counts one refusal of {@code address} for {@code reason} (a short fixed text, never client input). */
    void count(String address, String reason) {
        String key = entries.size() >= MAX_ADDRESSES && !entries.containsKey(address) ? OTHER_ADDRESSES : address;
        entries.compute(key, (k, entry) -> {
            Entry e = entry == null ? new Entry(clock.millis()) : entry;
            e.counts.merge(reason, 1L, Long::sum);
            return e;
        });
    }

    /** Writes the line of every address whose interval is over. */
    void flush() {
        long now = clock.millis();
        for (String address : entries.keySet()) {
            entries.computeIfPresent(address, (k, entry) -> {
                if (now - entry.since < intervalMillis) {
                    return entry;
                }
                write(k, entry, now);
                return null;
            });
        }
    }

    /** Writes every pending line (at shutdown). */
    void flushAll() {
        long now = clock.millis();
        for (String address : entries.keySet()) {
            entries.computeIfPresent(address, (k, entry) -> {
                write(k, entry, now);
                return null;
            });
        }
    }

    private void write(String address, Entry entry, long now) {
        long total = 0;
        StringJoiner reasons = new StringJoiner(", ");
        for (Map.Entry<String, Long> count : entry.counts.entrySet()) {
            total += count.getValue();
            reasons.add(count.getValue() + " " + count.getKey());
        }
        long seconds = Math.max(1, Math.round((now - entry.since) / 1000.0));
        String line = "{} {} from {} in the last {} s: {}";
        if (warn) {
            log.warn(line, total, what, LogSafe.of(address), seconds, reasons);
        } else {
            log.info(line, total, what, LogSafe.of(address), seconds, reasons);
        }
    }
}
