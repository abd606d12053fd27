package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.internal.LogSafe;
import org.slf4j.MDC;

/**
 * Puts the MDC fields {@value #CLIENT_ID} and {@value #EVENT_ID} around a log statement on the
 * thread that logs, and restores what was there before. Used only where the bridge logs, never per
 * packet, so the hot path pays nothing.
 */
final class LogContext {

    static final String CLIENT_ID = "clientId";
    static final String EVENT_ID = "eventId";

    private final String previousClientId;
    private final String previousEventId;
    private final boolean clientIdSet;
    private final boolean eventIdSet;

    private LogContext(String clientId, String eventId) {
        previousClientId = clientId == null ? null : MDC.get(CLIENT_ID);
        previousEventId = eventId == null ? null : MDC.get(EVENT_ID);
        clientIdSet = clientId != null;
        eventIdSet = eventId != null;
        if (clientIdSet) {
            MDC.put(CLIENT_ID, LogSafe.of(clientId)); // a client chose it: escaped for both log formats
        }
        if (eventIdSet) {
            MDC.put(EVENT_ID, LogSafe.of(eventId));
        }
    }

    /** Runs {@code action} with the fields set; either value may be null, which leaves that field alone. */
    static void with(String clientId, Object eventId, Runnable action) {
        LogContext context = new LogContext(clientId, eventId == null ? null : eventId.toString());
        try {
            action.run();
        } finally {
            context.restore();
        }
    }

    private void restore() {
        restore(CLIENT_ID, clientIdSet, previousClientId);
        restore(EVENT_ID, eventIdSet, previousEventId);
    }

    private static void restore(String key, boolean set, String previous) {
        if (!set) {
            return;
        }
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }
}
