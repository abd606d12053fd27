package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.spool.SpoolStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The spool and the dead-letter area on the status page. No payload, no credential.
 *
 * @param mode            {@code none}, {@code disk} or {@code jetstream}
 * @param location        the spool's directory or stream (empty without a spool)
 * @param stats           what the spool holds (empty without a spool)
 * @param appended        events stored since start
 * @param forwarded       events forwarded from the spool since start (Kyma accepted them)
 * @param retried         forwarding attempts repeated after a transient failure
 * @param deadLettered    events Kyma refused for good (moved to the dead-letter area)
 * @param backPressure    time appends were refused for want of room since start
 * @param backPressured   whether appends are being refused now
 * @param lastForwardedAt when Kyma last accepted an event from the spool
 * @param deadLetters     the dead-letter area
 * @param hint            plain-language advice when the spool fills or stalls
 */
public record SpoolView(String mode, Optional<String> location, Optional<SpoolStats> stats, long appended, long forwarded, long retried,
        long deadLettered, Duration backPressure, boolean backPressured, Optional<Instant> lastForwardedAt, DeadLetterArea deadLetters,
        Optional<String> hint) {

    public SpoolView {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(deadLetters, "deadLetters");
    }

    /**
     * Dead letters kept with their payloads ({@code GET /status/dead-letters?id=…} shows one).
     *
     * @param where    the spool's dead-letter area, or "memory" (the last few, without a spool)
     * @param count    kept now
     * @param bytes    their size
     * @param maxBytes the bound
     * @param dropped  dropped to make room (memory only)
     * @param recent   the newest, first
     */
    public record DeadLetterArea(String where, long count, long bytes, long maxBytes, long dropped, List<Letter> recent) {

        public DeadLetterArea {
            recent = List.copyOf(recent);
        }
    }

    /** One kept dead letter, without its payload. */
    public record Letter(String id, Instant time, String reason, String topic, String clientId, String kind, int payloadBytes,
            String detail) {
    }
}
