package dev.marketingconnector.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventTypeMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventSpool} shares: the in-memory fake, the disk spool and the
 * JetStream spool all extend this test. Ships in the core's test-jar: extend it to check a spool of
 * your own.
 */
public abstract class EventSpoolContract {

    /** Bound used by most tests: large enough never to be reached by them. */
    protected static final long ROOMY = 8L * 1024 * 1024;

    private final List<EventSpool> opened = new ArrayList<>();

    /**
     * Opens a spool on this test's storage: fresh for each test, the same storage for every call
     * within one test (a second call is a restart; the kit has closed the previous spool first).
     *
     * @param maxBytes           the bound on the events held
     * @param deadLetterMaxBytes the bound on the dead-letter area
     */
    protected abstract EventSpool open(long maxBytes, long deadLetterMaxBytes) throws Exception;

    private EventSpool spool(long maxBytes, long deadLetterMaxBytes) throws Exception {
        for (EventSpool previous : opened) {
            previous.close();
        }
        EventSpool spool = open(maxBytes, deadLetterMaxBytes);
        opened.add(spool);
        return spool;
    }

    private EventSpool spool() throws Exception {
        return spool(ROOMY, ROOMY);
    }

    @AfterEach
    void closeSpools() {
        opened.forEach(EventSpool::close);
    }

    /** A sample event: id, type and time derived from {@code n}. */
    public static BusinessEvent event(int n) {
        return event(n, "{\"KEY\":[{\"ContactID\":\"" + n + "\"}],\"n\":" + n + "}");
    }

    /** A sample event with this data. */
    public static BusinessEvent event(int n, String dataJson) {
        try {
            JsonNode data = SpoolCodec.readExact(dataJson.getBytes(StandardCharsets.UTF_8));
            return new BusinessEvent(new UUID(0x5b001L, n), EventTypeMapper.map("BO.MarketingPermission.Changed"),
                    OffsetDateTime.of(2026, 1, 15, 10, 30, n % 60, 0, ZoneOffset.ofHours(2)), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void append(EventSpool spool, BusinessEvent event) {
        spool.append(event).toCompletableFuture().join();
    }

    private static List<SpooledEvent> pollAll(EventSpool spool, int expected) throws InterruptedException {
        List<SpooledEvent> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (all.size() < expected && System.nanoTime() < deadline) {
            all.addAll(spool.poll(expected - all.size(), Duration.ofMillis(500)));
        }
        return all;
    }

    /** Everything the spool hands out until a poll comes back empty (having seen at least {@code atLeast}). */
    private static List<SpooledEvent> drain(EventSpool spool, int atLeast) throws InterruptedException {
        List<SpooledEvent> all = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            List<SpooledEvent> batch = spool.poll(100, Duration.ofMillis(500));
            all.addAll(batch);
            if (batch.isEmpty() && all.size() >= atLeast) {
                break;
            }
        }
        return all;
    }

    private static Throwable failureOf(java.util.concurrent.CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected the stage to fail");
    }

    @Test
    void appendedEventsComeBackInOrderWithTheirIdTypeTimeAndData() throws Exception {
        EventSpool spool = spool();
        List<BusinessEvent> events = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            events.add(event(i));
            append(spool, events.get(i));
        }

        List<SpooledEvent> polled = pollAll(spool, 50);

        assertThat(polled).extracting(SpooledEvent::event).containsExactlyElementsOf(events);
        assertThat(polled).extracting(SpooledEvent::position).isSorted().doesNotHaveDuplicates();
        assertThat(polled.get(0).event().time()).isEqualTo(events.get(0).time());
    }

    @Test
    void numbersInDataComeBackExactly() throws Exception {
        EventSpool spool = spool();
        String data = "{\"huge\":1e400,\"tiny\":-1e-400,\"long\":0.1000000000000000055511151231257827,"
                + "\"big\":12345678901234567890.123456789,\"int\":123456789012345678901234567890}";
        BusinessEvent event = event(1, data);
        append(spool, event);

        SpooledEvent back = pollAll(spool, 1).get(0);

        JsonNode d = back.event().data();
        assertThat(d.get("huge").decimalValue()).isEqualByComparingTo("1e400");
        assertThat(d.get("tiny").decimalValue()).isEqualByComparingTo("-1e-400");
        assertThat(d.get("long").decimalValue().toPlainString()).isEqualTo("0.1000000000000000055511151231257827");
        assertThat(d.get("big").decimalValue().toPlainString()).isEqualTo("12345678901234567890.123456789");
        assertThat(d.get("int").bigIntegerValue()).hasToString("123456789012345678901234567890");
    }

    @Test
    void eachEventIsHandedOutOnceWhileTheSpoolIsOpen() throws Exception {
        EventSpool spool = spool();
        for (int i = 0; i < 10; i++) {
            append(spool, event(i));
        }

        List<SpooledEvent> first = pollAll(spool, 10);
        List<SpooledEvent> again = spool.poll(10, Duration.ofMillis(300));

        assertThat(first).hasSize(10);
        assertThat(again).isEmpty();
    }

    @Test
    void pollReturnsAtMostMaxEvents() throws Exception {
        EventSpool spool = spool();
        for (int i = 0; i < 10; i++) {
            append(spool, event(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.stats().events() == 10);

        assertThat(spool.poll(3, Duration.ofSeconds(2))).hasSizeLessThanOrEqualTo(3).isNotEmpty();
    }

    @Test
    void pollWaitsForAnEventAppendedWhileWaiting() throws Exception {
        EventSpool spool = spool();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            var polling = executor.submit(() -> spool.poll(1, Duration.ofSeconds(10)));
            await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
            append(spool, event(7));

            assertThat(polling.get(15, TimeUnit.SECONDS)).extracting(SpooledEvent::event).containsExactly(event(7));
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void pollOnAnEmptySpoolReturnsNothingAfterTheWait() throws Exception {
        EventSpool spool = spool();

        assertThat(spool.poll(10, Duration.ofMillis(200))).isEmpty();
    }

    @Test
    void committedEventsAreNotDeliveredAgainAfterARestartButTheOthersAre() throws Exception {
        EventSpool spool = spool();
        for (int i = 0; i < 6; i++) {
            append(spool, event(i));
        }
        List<SpooledEvent> polled = pollAll(spool, 6);
        spool.commit(polled.get(0));
        spool.commit(polled.get(1));
        spool.commit(polled.get(3)); // ahead of event 2: may come again (at least once), need not

        EventSpool restarted = spool(ROOMY, ROOMY);
        List<BusinessEvent> redelivered = drain(restarted, 3).stream().map(SpooledEvent::event).toList();

        assertThat(redelivered.stream().filter(e -> !e.equals(event(3)))).containsExactly(event(2), event(4), event(5));
        assertThat(redelivered).doesNotContain(event(0), event(1));
    }

    @Test
    void storedEventsSurviveARestartBeforeTheyAreRead() throws Exception {
        EventSpool spool = spool();
        for (int i = 0; i < 20; i++) {
            append(spool, event(i));
        }

        EventSpool restarted = spool(ROOMY, ROOMY);

        assertThat(pollAll(restarted, 20)).extracting(SpooledEvent::event).extracting(BusinessEvent::id)
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> event(i).id()).toList());
    }

    @Test
    void committingTwiceChangesNothing() throws Exception {
        EventSpool spool = spool();
        append(spool, event(1));
        append(spool, event(2));
        List<SpooledEvent> polled = pollAll(spool, 2);

        spool.commit(polled.get(0));
        spool.commit(polled.get(0));

        EventSpool restarted = spool(ROOMY, ROOMY);
        assertThat(pollAll(restarted, 1)).extracting(SpooledEvent::event).containsExactly(event(2));
    }

    @Test
    void statsCountWhatIsHeldUntilItIsCommitted() throws Exception {
        EventSpool spool = spool();
        assertThat(spool.stats().events()).isZero();
        assertThat(spool.stats().oldestStoredAt()).isEmpty();
        Instant before = Instant.now().minusSeconds(5);
        for (int i = 0; i < 4; i++) {
            append(spool, event(i));
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SpoolStats stats = spool.stats();
            assertThat(stats.events()).isEqualTo(4);
            assertThat(stats.bytes()).isPositive();
            assertThat(stats.maxBytes()).isEqualTo(ROOMY);
            assertThat(stats.oldestStoredAt()).hasValueSatisfying(t -> assertThat(t).isAfter(before).isBefore(Instant.now().plusSeconds(5)));
            assertThat(stats.full()).isFalse();
        });
        long bytesOfFour = spool.stats().bytes();

        pollAll(spool, 4).forEach(spool::commit);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SpoolStats stats = spool.stats();
            assertThat(stats.events()).isZero();
            assertThat(stats.bytes()).isLessThan(bytesOfFour);
            assertThat(stats.oldestStoredAt()).isEmpty();
        });
    }

    @Test
    void aFullSpoolRefusesAppendsWithoutDroppingAnythingAndTakesMoreOnceEventsAreCommitted() throws Exception {
        EventSpool spool = spool(64 * 1024, ROOMY);
        String padding = "x".repeat(1000);
        List<BusinessEvent> stored = new ArrayList<>();
        Throwable refusal = null;
        for (int i = 0; i < 1000 && refusal == null; i++) {
            BusinessEvent event = event(i, "{\"pad\":\"" + padding + "\",\"n\":" + i + "}");
            try {
                append(spool, event);
                stored.add(event);
            } catch (CompletionException e) {
                refusal = e.getCause();
            }
        }

        assertThat(refusal).isInstanceOf(SpoolFullException.class);
        assertThat(((SpoolException) refusal).isTransient()).isTrue();
        assertThat(stored).hasSizeGreaterThan(16);
        await().atMost(Duration.ofSeconds(10)).until(() -> spool.stats().full());

        List<SpooledEvent> polled = pollAll(spool, stored.size());
        assertThat(polled).extracting(SpooledEvent::event).containsExactlyElementsOf(stored);
        polled.subList(0, 10).forEach(spool::commit);

        BusinessEvent later = event(5000, "{\"pad\":\"" + padding + "\"}");
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            spool.append(later).toCompletableFuture().join();
            return true;
        });
        assertThat(spool.stats().full()).isFalse();
    }

    @Test
    void concurrentAppendsAllArriveEachOnce() throws Exception {
        EventSpool spool = spool();
        int threads = 4;
        int each = 100;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        try {
            List<java.util.concurrent.Future<List<CompletableFuture<Void>>>> submitted = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * each;
                submitted.add(executor.submit(() -> {
                    List<CompletableFuture<Void>> mine = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        mine.add(spool.append(event(offset + i)).toCompletableFuture());
                    }
                    return mine;
                }));
            }
            for (var f : submitted) {
                stages.addAll(f.get(30, TimeUnit.SECONDS));
            }
            CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } finally {
            executor.shutdownNow();
        }

        List<SpooledEvent> polled = pollAll(spool, threads * each);

        assertThat(polled).extracting(e -> e.event().id()).doesNotHaveDuplicates().hasSize(threads * each);
        for (int t = 0; t < threads; t++) {
            int offset = t * each;
            List<UUID> mine = polled.stream().map(e -> e.event().id())
                    .filter(id -> id.getLeastSignificantBits() >= offset && id.getLeastSignificantBits() < offset + each).toList();
            assertThat(mine).as("one appender's events keep their order").containsExactlyElementsOf(
                    java.util.stream.IntStream.range(offset, offset + each).mapToObj(i -> event(i).id()).toList());
        }
    }

    @Test
    void appendAfterCloseFails() throws Exception {
        EventSpool spool = spool();
        spool.close();

        Throwable failure = failureOf(spool.append(event(1)));

        assertThat(failure).isInstanceOf(SpoolException.class);
        assertThat(spool.poll(1, Duration.ofMillis(100))).isEmpty();
    }

    @Test
    void describeNamesTheSpool() throws Exception {
        assertThat(spool().describe()).isNotBlank();
    }

    // ---------------------------------------------------------------- dead letters

    private static DeadLetterEntry deadLetter(int n, DeadLetterEntry.PayloadKind kind, byte[] payload) {
        return new DeadLetterEntry(Instant.parse("2026-01-15T10:30:00Z").plusSeconds(n), "not_json",
                "The payload on topic 't/" + n + "' is not valid JSON (line 1, column 2)", "sap/mkt/t/BO/X/" + n, "sap-" + n, kind, payload);
    }

    @Test
    void deadLettersAreKeptWithTheirPayloadAndListedNewestFirst() throws Exception {
        EventSpool spool = spool();
        DeadLetterStore store = spool.deadLetters();
        byte[] binary = new byte[]{0, 1, 2, (byte) 0xff, '{', '\n'};
        String first = store.add(deadLetter(1, DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, binary)).toCompletableFuture().join();
        String second = store.add(deadLetter(2, DeadLetterEntry.PayloadKind.EVENT, SpoolCodec.encodeEvent(event(2))))
                .toCompletableFuture().join();

        assertThat(first).isNotEqualTo(second);
        assertThat(store.list(10)).extracting(StoredDeadLetter::id).containsExactly(second, first);
        assertThat(store.list(1)).extracting(StoredDeadLetter::id).containsExactly(second);
        assertThat(store.get(first)).hasValueSatisfying(l -> {
            assertThat(l.entry()).isEqualTo(deadLetter(1, DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, binary));
            assertThat(l.entry().payload()).containsExactly(binary);
        });
        assertThat(SpoolCodec.decodeEvent(store.get(second).orElseThrow().entry().payload())).isEqualTo(event(2));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(store.stats().count()).isEqualTo(2);
            assertThat(store.stats().bytes()).isPositive();
        });
    }

    @Test
    void deadLettersSurviveARestartUntilRemoved() throws Exception {
        EventSpool spool = spool();
        String id = spool.deadLetters().add(deadLetter(1, DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, "oops".getBytes(StandardCharsets.UTF_8)))
                .toCompletableFuture().join();
        String other = spool.deadLetters().add(deadLetter(2, DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, "other".getBytes(StandardCharsets.UTF_8)))
                .toCompletableFuture().join();

        EventSpool restarted = spool(ROOMY, ROOMY);
        assertThat(restarted.deadLetters().get(id)).isPresent();
        assertThat(restarted.deadLetters().remove(id)).isTrue();
        assertThat(restarted.deadLetters().remove(id)).isFalse();
        assertThat(restarted.deadLetters().get("no-such-id")).isEmpty();

        EventSpool again = spool(ROOMY, ROOMY);
        assertThat(again.deadLetters().list(10)).extracting(StoredDeadLetter::id).containsExactly(other);
    }

    @Test
    void aFullDeadLetterAreaRefusesWithoutDroppingAndTakesMoreAfterARemoval() throws Exception {
        EventSpool spool = spool(ROOMY, 32 * 1024);
        DeadLetterStore store = spool.deadLetters();
        byte[] payload = new byte[2000];
        List<String> ids = new ArrayList<>();
        Throwable refusal = null;
        for (int i = 0; i < 200 && refusal == null; i++) {
            try {
                ids.add(store.add(deadLetter(i, DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, payload)).toCompletableFuture().join());
            } catch (CompletionException e) {
                refusal = e.getCause();
            }
        }

        assertThat(refusal).isInstanceOf(SpoolFullException.class);
        assertThat(ids).hasSizeGreaterThan(4);
        assertThat(store.list(1000)).hasSize(ids.size());

        assertThat(store.remove(ids.get(0))).isTrue();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            store.add(deadLetter(999, DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, payload)).toCompletableFuture().join();
            return true;
        });
        assertThatThrownBy(() -> store.list(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
