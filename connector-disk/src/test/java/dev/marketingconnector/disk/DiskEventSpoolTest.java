package dev.marketingconnector.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.EventSpoolContract;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpoolFullException;
import dev.marketingconnector.core.spool.SpooledEvent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskEventSpoolTest {

    @TempDir
    Path directory;

    private DiskSpoolConfig.Builder config() {
        return DiskSpoolConfig.builder(directory).minFreeBytes(0).segmentBytes(8 * 1024);
    }

    private static BusinessEvent event(int n) {
        return EventSpoolContract.event(n);
    }

    private static void appendAll(DiskEventSpool spool, int count) {
        IntStream.range(0, count).forEach(i -> spool.append(event(i)).toCompletableFuture().join());
    }

    private static List<SpooledEvent> drain(DiskEventSpool spool) throws InterruptedException {
        List<SpooledEvent> all = new ArrayList<>();
        List<SpooledEvent> batch;
        while (!(batch = spool.poll(1000, Duration.ofMillis(200))).isEmpty()) {
            all.addAll(batch);
        }
        return all;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory.resolve(DiskEventSpool.EVENTS))) {
            return files.filter(p -> p.toString().endsWith(DiskEventSpool.SEGMENT_SUFFIX)).sorted(Comparator.naturalOrder()).toList();
        }
    }

    @Test
    void aTornLastRecordIsDroppedOnOpenAndTheSpoolGoesOn() throws Exception {
        try (DiskEventSpool spool = DiskEventSpool.open(config().build())) {
            appendAll(spool, 30);
        }
        Path last = segments().get(segments().size() - 1);
        try (RandomAccessFile file = new RandomAccessFile(last.toFile(), "rw")) {
            file.setLength(file.length() - 5);
        }

        try (DiskEventSpool spool = DiskEventSpool.open(config().build())) {
            List<SpooledEvent> events = drain(spool);
            assertThat(events).extracting(SpooledEvent::event)
                    .containsExactlyElementsOf(IntStream.range(0, 29).mapToObj(DiskEventSpoolTest::event).toList());

            spool.append(event(100)).toCompletableFuture().join();
            assertThat(drain(spool)).extracting(SpooledEvent::event).containsExactly(event(100));
        }
    }

    @Test
    void garbageAfterTheLastRecordIsNeverDeliveredAndDoesNotStopTheOpen() throws Exception {
        try (DiskEventSpool spool = DiskEventSpool.open(config().build())) {
            appendAll(spool, 3);
        }
        Path last = segments().get(segments().size() - 1);
        Files.write(last, new byte[]{0, 0, 0, 40, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, '{', '"'},
                java.nio.file.StandardOpenOption.APPEND);

        try (DiskEventSpool spool = DiskEventSpool.open(config().build())) {
            assertThat(drain(spool)).extracting(SpooledEvent::event).containsExactly(event(0), event(1), event(2));
        }
    }

    @Test
    void aRecordWhoseChecksumNoLongerMatchesIsDeliveredNeverHalfButKeptAsADeadLetter() throws Exception {
        try (DiskEventSpool spool = DiskEventSpool.open(config().segmentBytes(1 << 20).build())) {
            appendAll(spool, 3);
        }
        Path segment = segments().get(0);
        byte[] bytes = Files.readAllBytes(segment);
        int second = indexOf(bytes, event(1).id().toString().getBytes(StandardCharsets.US_ASCII));
        bytes[second] ^= 1;
        Files.write(segment, bytes);

        try (DiskEventSpool spool = DiskEventSpool.open(config().segmentBytes(1 << 20).build())) {
            List<SpooledEvent> events = drain(spool);
            assertThat(events).extracting(SpooledEvent::event).contains(event(0));
            assertThat(events).extracting(SpooledEvent::event).doesNotContain(event(1));
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void segmentsAreDeletedOnceEverythingInThemWasCommitted() throws Exception {
        try (DiskEventSpool spool = DiskEventSpool.open(config().checkpointInterval(Duration.ofMillis(50)).build())) {
            appendAll(spool, 200);
            assertThat(segments()).hasSizeGreaterThan(3);

            drain(spool).forEach(spool::commit);

            await().atMost(Duration.ofSeconds(10)).until(() -> segments().size() == 1);
            assertThat(spool.stats().events()).isZero();
            assertThat(spool.stats().bytes()).isZero();
        }
        try (DiskEventSpool reopened = DiskEventSpool.open(config().build())) {
            assertThat(reopened.poll(10, Duration.ofMillis(200))).isEmpty();
            reopened.append(event(1000)).toCompletableFuture().join();
            assertThat(drain(reopened)).extracting(SpooledEvent::event).containsExactly(event(1000));
        }
    }

    @Test
    void aSecondSpoolOnTheSameDirectoryIsRefusedNamingTheSetting() {
        try (DiskEventSpool spool = DiskEventSpool.open(config().build())) {
            assertThatThrownBy(() -> DiskEventSpool.open(config().build()))
                    .isInstanceOf(SpoolException.class)
                    .hasMessageContaining(directory.toString())
                    .hasMessageContaining("SPOOL_DIR");
        }
    }

    @Test
    void aDiskWithoutEnoughFreeSpaceRefusesAppendsAsFullAndSaysSo() {
        try (DiskEventSpool spool = DiskEventSpool.open(config().minFreeBytes(Long.MAX_VALUE / 4).build())) {
            assertThatThrownBy(() -> spool.append(event(1)).toCompletableFuture().join())
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(SpoolFullException.class)
                    .hasMessageContaining("disk is full");
            assertThat(spool.stats().full()).isTrue();
            assertThat(spool.stats().problem()).hasValueSatisfying(p -> assertThat(p).contains("disk is full"));
            assertThat(spool.stats().events()).isZero();
        }
    }

    @Test
    void theDeadLetterAreaCanBeReadAndEmptiedByAnotherProcessWhileTheSpoolRuns() {
        try (DiskEventSpool spool = DiskEventSpool.open(config().build());
                DiskDeadLetterStore outside = DiskDeadLetterStore.open(directory, 1 << 20)) {
            String id = spool.deadLetters().add(new DeadLetterEntry(Instant.now(), "not_json", "not JSON", "t", "c",
                    DeadLetterEntry.PayloadKind.MQTT_PAYLOAD, "x".getBytes(StandardCharsets.UTF_8))).toCompletableFuture().join();

            assertThat(outside.list(10)).extracting(l -> l.id()).containsExactly(id);
            assertThat(outside.remove(id)).isTrue();
            assertThat(spool.deadLetters().list(10)).isEmpty();
        }
    }

    @Test
    void oldestEventIsTheFirstNotCommitted() throws Exception {
        try (DiskEventSpool spool = DiskEventSpool.open(config().build())) {
            Instant before = Instant.now().minusSeconds(1);
            appendAll(spool, 3);
            assertThat(spool.stats().oldestStoredAt()).hasValueSatisfying(t -> assertThat(t).isAfter(before));
            List<SpooledEvent> events = drain(spool);
            spool.commit(events.get(0));
            assertThat(spool.stats().oldestStoredAt()).contains(events.get(1).storedAt());
            assertThat(spool.stats().events()).isEqualTo(2);
        }
    }
}
