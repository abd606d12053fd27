package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.spool.DeadLetterStats;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.SpoolForwarder;
import dev.marketingconnector.core.spool.SpoolStats;
import dev.marketingconnector.core.spool.SpoolingEventPublisher;
import dev.marketingconnector.core.spool.StoredDeadLetter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Watches the spool, its forwarder and the dead-letter area for the status page and the metrics. */
final class SpoolMonitor {

    static final String EVENTS = "connector.spool.events";
    static final String BYTES = "connector.spool.bytes";
    static final String MAX_BYTES = "connector.spool.max.bytes";
    static final String OLDEST_AGE = "connector.spool.oldest.age";
    static final String FULL = "connector.spool.full";
    static final String APPENDS = "connector.spool.appends";
    static final String FORWARDED = "connector.spool.forwarded";
    static final String RETRIED = "connector.spool.retried";
    static final String REJECTED = "connector.spool.dead.lettered";
    static final String BACK_PRESSURE = "connector.spool.backpressure";
    static final String DEAD_LETTERS = "connector.dead.letters.stored";
    static final String DEAD_LETTER_BYTES = "connector.dead.letters.stored.bytes";

    private static final Logger LOG = LoggerFactory.getLogger(SpoolMonitor.class);
    static final int LETTERS_SHOWN = 20;

    private final Clock clock;
    private final Duration stallThreshold;
    private volatile String mode = "none";
    private volatile SpoolingEventPublisher spooling;
    private volatile SpoolForwarder forwarder;
    private volatile DeadLetterStore deadLetters;
    private volatile String deadLetterWhere = "memory";

    SpoolMonitor(Clock clock, Duration stallThreshold) {
        this.clock = clock;
        this.stallThreshold = stallThreshold;
    }

    void spool(String mode, SpoolingEventPublisher spooling, SpoolForwarder forwarder, MeterRegistry registry) {
        this.mode = mode;
        this.spooling = spooling;
        this.forwarder = forwarder;
        gauge(registry, EVENTS, "Events held in the spool (stored, not yet forwarded)", m -> stats(m).map(SpoolStats::events).orElse(0L));
        gauge(registry, BYTES, "Bytes the spool holds", m -> stats(m).map(SpoolStats::bytes).orElse(0L));
        gauge(registry, MAX_BYTES, "The spool's bound (SPOOL_MAX_BYTES)", m -> stats(m).map(SpoolStats::maxBytes).orElse(0L));
        Gauge.builder(OLDEST_AGE, this, m -> stats(m).flatMap(SpoolStats::oldestStoredAt)
                        .map(t -> Math.max(0, Duration.between(t, clock.instant()).toMillis() / 1000.0)).orElse(0.0))
                .baseUnit("seconds").description("Age of the oldest event in the spool (0 when empty)").strongReference(true).register(registry);
        gauge(registry, FULL, "1 while the spool refuses appends (at its bound, or the disk is full)",
                m -> stats(m).map(s -> s.full() ? 1L : 0L).orElse(0L));
        FunctionCounter.builder(APPENDS, spooling, SpoolingEventPublisher::appended)
                .description("Events stored in the spool (each acknowledged to SAP)").register(registry);
        FunctionCounter.builder(FORWARDED, forwarder, SpoolForwarder::forwarded)
                .description("Events forwarded from the spool (Kyma accepted them)").register(registry);
        FunctionCounter.builder(RETRIED, forwarder, SpoolForwarder::retried)
                .description("Forwarding attempts from the spool repeated after a transient failure").register(registry);
        FunctionCounter.builder(REJECTED, forwarder, SpoolForwarder::deadLettered)
                .description("Events from the spool that Kyma refused for good (moved to the dead-letter area)").register(registry);
        FunctionCounter.builder(BACK_PRESSURE, spooling, p -> p.backPressureTime().toMillis() / 1000.0)
                .baseUnit("seconds").description("Time appends were refused for want of room").register(registry);
    }

    void deadLetters(DeadLetterStore store, String where, MeterRegistry registry) {
        this.deadLetters = store;
        this.deadLetterWhere = where;
        gauge(registry, DEAD_LETTERS, "Dead letters kept with their payloads", m -> letterStats(m).map(DeadLetterStats::count).orElse(0L));
        Gauge.builder(DEAD_LETTER_BYTES, this, m -> letterStats(m).map(s -> (double) s.bytes()).orElse(0.0))
                .baseUnit("bytes").description("Size of the dead letters kept").strongReference(true).register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String description, java.util.function.Function<SpoolMonitor, Long> value) {
        ToDoubleFunction<SpoolMonitor> f = m -> value.apply(m);
        Gauge.builder(name, this, f).description(description).strongReference(true).register(registry);
    }

    private static Optional<SpoolStats> stats(SpoolMonitor m) {
        SpoolingEventPublisher p = m.spooling;
        if (p == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(p.spool().stats());
        } catch (RuntimeException e) {
            LOG.debug("Cannot read the spool's state: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<DeadLetterStats> letterStats(SpoolMonitor m) {
        DeadLetterStore store = m.deadLetters;
        if (store == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(store.stats());
        } catch (RuntimeException e) {
            LOG.debug("Cannot read the dead-letter area: {}", e.getMessage());
            return Optional.empty();
        }
    }

    Optional<DeadLetterStore> deadLetterStore() {
        return Optional.ofNullable(deadLetters);
    }

    SpoolView view() {
        SpoolingEventPublisher p = spooling;
        SpoolForwarder f = forwarder;
        Optional<SpoolStats> stats = stats(this);
        Optional<DeadLetterStats> letterStats = letterStats(this);
        List<SpoolView.Letter> letters = new ArrayList<>();
        DeadLetterStore store = deadLetters;
        if (store != null) {
            try {
                for (StoredDeadLetter l : store.list(LETTERS_SHOWN)) {
                    letters.add(new SpoolView.Letter(l.id(), l.entry().time(), l.entry().reason(), l.entry().topic(), l.entry().clientId(),
                            l.entry().kind().name().toLowerCase(java.util.Locale.ROOT), l.entry().payloadBytes(), l.entry().detail()));
                }
            } catch (RuntimeException e) {
                LOG.debug("Cannot list the dead letters: {}", e.getMessage());
            }
        }
        SpoolView.DeadLetterArea area = new SpoolView.DeadLetterArea(deadLetterWhere,
                letterStats.map(DeadLetterStats::count).orElse(0L), letterStats.map(DeadLetterStats::bytes).orElse(0L),
                letterStats.map(DeadLetterStats::maxBytes).orElse(0L), letterStats.map(DeadLetterStats::dropped).orElse(0L), letters);
        Optional<Instant> lastForwarded = f == null ? Optional.empty() : f.lastForwardedAt();
        return new SpoolView(mode, p == null ? Optional.empty() : Optional.of(p.spool().describe()), stats,
                p == null ? 0 : p.appended(), f == null ? 0 : f.forwarded(), f == null ? 0 : f.retried(), f == null ? 0 : f.deadLettered(),
                p == null ? Duration.ZERO : p.backPressureTime(), p != null && p.backPressured(), lastForwarded, area,
                hint(stats, lastForwarded, letterStats, p != null && p.backPressured()));
    }

    /** {@code 512 B}, {@code 3.4 KiB}, {@code 1.2 MiB}, {@code 1.0 GiB}. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    private Optional<String> hint(Optional<SpoolStats> stats, Optional<Instant> lastForwarded, Optional<DeadLetterStats> letters,
            boolean backPressured) {
        List<String> parts = new ArrayList<>();
        Instant now = clock.instant();
        if (stats.isPresent()) {
            SpoolStats s = stats.get();
            if (s.full() || backPressured) {
                parts.add("the spool is full (" + bytes(s.bytes()) + " of " + bytes(s.maxBytes())
                        + s.problem().map(p -> "; " + p).orElse("") + "): SAP's messages are not acknowledged until Kyma takes "
                        + "events again (check EVENTS_URL and the eventing publisher proxy) or there is more room (SPOOL_MAX_BYTES, "
                        + "the volume); nothing acknowledged is lost");
            } else if (s.problem().isPresent()) {
                parts.add("the spool reports: " + s.problem().get());
            }
            Optional<Instant> oldest = s.oldestStoredAt();
            if (s.events() > 0 && oldest.isPresent() && Duration.between(oldest.get(), now).compareTo(stallThreshold) >= 0) {
                Duration quiet = Duration.between(lastForwarded.orElse(oldest.get()), now);
                if (quiet.compareTo(stallThreshold) >= 0) {
                    parts.add("Kyma has accepted no event for " + Hints.duration(quiet) + " while " + s.events() + " events ("
                            + bytes(s.bytes()) + ", " + Math.round(s.fillRatio() * 100) + " % of SPOOL_MAX_BYTES) wait in the spool,"
                            + " the oldest for " + Hints.duration(Duration.between(oldest.get(), now)) + ": SAP is still acknowledged and"
                            + " nothing is lost until the spool is full; check EVENTS_URL and the eventing publisher proxy in kyma-system"
                            + " (the publisher's last error is below)");
                }
            }
        }
        letters.filter(l -> l.maxBytes() > 0 && l.bytes() >= l.maxBytes() * 0.9 && !deadLetterWhere.equals("memory"))
                .ifPresent(l -> parts.add("the dead-letter area is " + Math.round(100.0 * l.bytes() / l.maxBytes()) + " % full: when full,"
                        + " messages that cannot be delivered are no longer acknowledged; deliver them again (`dead-letters replay`)"
                        + " or delete them (`dead-letters delete`)"));
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }
}
