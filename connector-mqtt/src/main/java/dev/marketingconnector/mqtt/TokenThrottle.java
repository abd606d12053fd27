package dev.marketingconnector.mqtt;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed token requests per source address in fixed windows: once an address has
 * {@code maxFailures} failures in its window, every token request from it is refused (429) until
 * the window ends, without looking at the credentials, so guessing costs the guesser the window.
 * At most {@value FailureLog#MAX_ADDRESSES} addresses are told apart; beyond that they share one
 * window. Thread-safe.
 */
final class TokenThrottle {

    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    private record Window(long start, int failures) {
    }

    TokenThrottle(int maxFailures, Duration window, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** 0 when {@code address} may try; otherwise the seconds until it may (for Retry-After). */
    long retryAfterSeconds(String address) {
        Window window = windows.get(key(address));
        if (window == null || window.failures() < maxFailures) {
            return 0;
        }
        long left = window.start() + windowMillis - clock.millis();
        return left <= 0 ? 0 : Math.max(1, (left + 999) / 1000);
    }

    /** Counts a failed attempt of {@code address}. */
    void failed(String address) {
        long now = clock.millis();
        windows.compute(key(address), (k, w) -> w == null || now - w.start() >= windowMillis
                ? new Window(now, 1) : new Window(w.start(), w.failures() + 1));
    }

    /** Forgets the windows that are over. */
    void expire() {
        long now = clock.millis();
        windows.values().removeIf(w -> now - w.start() >= windowMillis);
    }

    private String key(String address) {
        return windows.size() >= FailureLog.MAX_ADDRESSES && !windows.containsKey(address) ? FailureLog.OTHER_ADDRESSES : address;
    }
}
