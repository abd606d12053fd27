package dev.marketingconnector.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.spool.EventSpoolContract;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpoolFullException;
import dev.marketingconnector.core.spool.SpooledEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class InMemoryEventSpoolTest {

    private static dev.marketingconnector.core.events.BusinessEvent event(int n) {
        return EventSpoolContract.event(n);
    }

    @Test
    void recordsWhatWasAppendedCommittedAndHeld() throws Exception {
        InMemoryEventSpool spool = new InMemoryEventSpool();
        spool.append(event(1)).toCompletableFuture().join();
        spool.append(event(2)).toCompletableFuture().join();
        SpooledEvent first = spool.poll(1, Duration.ZERO).get(0);

        spool.commit(first);

        assertThat(spool.appended()).containsExactly(event(1), event(2));
        assertThat(spool.committed()).containsExactly(event(1));
        assertThat(spool.held()).containsExactly(event(2));
    }

    @Test
    void injectsTransientFailuresFullDisksAndSlowAppends() {
        InMemoryEventSpool spool = new InMemoryEventSpool().failNextAppends(1);
        assertThat(cause(spool.append(event(1)).toCompletableFuture())).isInstanceOf(SpoolException.class)
                .matches(e -> ((SpoolException) e).isTransient());

        spool.full(true);
        assertThat(cause(spool.append(event(1)).toCompletableFuture())).isInstanceOf(SpoolFullException.class);
        assertThat(spool.stats().full()).isTrue();
        assertThat(spool.stats().problem()).isPresent();
        spool.full(false);

        spool.holdAppends();
        CompletableFuture<Void> held = spool.append(event(1)).toCompletableFuture();
        assertThat(held).isNotDone();
        assertThat(spool.heldAppends()).isEqualTo(1);
        spool.releaseAppends();
        assertThat(held).isCompleted();
        assertThat(spool.appended()).containsExactly(event(1));
    }

    @Test
    void refusesToCommitAnEventItNeverHandedOut() {
        InMemoryEventSpool spool = new InMemoryEventSpool();

        assertThatThrownBy(() -> spool.commit(new SpooledEvent(42, Instant.now(), event(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("never handed out");
    }

    private static Throwable cause(CompletableFuture<?> stage) {
        try {
            stage.join();
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }
}
