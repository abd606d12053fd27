package dev.marketingconnector.core.spool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecentDeadLettersTest {

    private static DeadLetterEntry letter(int n, int size) {
        return new DeadLetterEntry(Instant.EPOCH.plusSeconds(n), "not_json", "detail " + n, "t/" + n, "c", DeadLetterEntry.PayloadKind.MQTT_PAYLOAD,
                new byte[size]);
    }

    @Test
    void keepsTheLastNWithTheirPayloadsAndCountsWhatItDropped() {
        RecentDeadLetters store = new RecentDeadLetters(3, 1_000_000);
        for (int i = 1; i <= 5; i++) {
            store.add(letter(i, 10));
        }

        assertThat(store.list(10)).extracting(l -> l.entry().detail()).containsExactly("detail 5", "detail 4", "detail 3");
        assertThat(store.stats()).isEqualTo(new DeadLetterStats(3, 30, 1_000_000, 2));
    }

    @Test
    void dropsTheOldestToStayWithinItsBytesButKeepsTheNewestEvenIfLarger() {
        RecentDeadLetters store = new RecentDeadLetters(100, 100);
        store.add(letter(1, 60));
        store.add(letter(2, 60));
        store.add(letter(3, 500));

        assertThat(store.list(10)).extracting(l -> l.entry().detail()).containsExactly("detail 3");
    }

    @Test
    void getsAndRemovesById() {
        RecentDeadLetters store = new RecentDeadLetters();
        String id = store.add(letter(1, 5)).toCompletableFuture().join();

        assertThat(store.get(id)).isPresent();
        assertThat(store.remove(id)).isTrue();
        assertThat(store.remove(id)).isFalse();
        assertThat(store.stats().count()).isZero();
        assertThatThrownBy(() -> new RecentDeadLetters(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
