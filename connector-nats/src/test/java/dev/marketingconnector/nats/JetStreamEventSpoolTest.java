package dev.marketingconnector.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.spool.EventSpoolContract;
import dev.marketingconnector.core.spool.SpoolException;
import dev.marketingconnector.core.spool.SpooledEvent;
import dev.marketingconnector.nats.testing.NatsTestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JetStreamEventSpoolTest {

    private static final AtomicInteger TESTS = new AtomicInteger();
    private static NatsTestServer nats;
    private final List<JetStreamEventSpool> spools = new ArrayList<>();
    private String stream;

    @BeforeAll
    static void startNats() {
        nats = NatsTestServer.start();
    }

    @AfterAll
    static void stopNats() {
        if (nats != null) {
            nats.close();
        }
    }

    @BeforeEach
    void newStream() {
        stream = "SPOOL_" + TESTS.incrementAndGet();
    }

    @AfterEach
    void closeSpools() {
        spools.forEach(JetStreamEventSpool::close);
    }

    private JetStreamEventSpool replica() {
        return replica(Duration.ofSeconds(1));
    }

    private JetStreamEventSpool replica(Duration ackWait) {
        JetStreamEventSpool spool = JetStreamEventSpool.connect(JetStreamSpoolConfig.builder(nats.url())
                .stream(stream)
                .subject("spool." + stream.toLowerCase())
                .ackWait(ackWait)
                .build());
        spools.add(spool);
        return spool;
    }

    private static List<SpooledEvent> drain(JetStreamEventSpool spool, Duration wait) throws InterruptedException {
        List<SpooledEvent> all = new ArrayList<>();
        long end = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < end) {
            all.addAll(spool.poll(100, Duration.ofMillis(200)));
        }
        return all;
    }

    @Test
    void whatAKilledReplicaHeldIsForwardedByAnotherAfterTheAckWait() throws Exception {
        JetStreamEventSpool a = replica();
        JetStreamEventSpool b = replica();
        IntStream.range(0, 10).forEach(i -> a.append(EventSpoolContract.event(i)).toCompletableFuture().join());
        IntStream.range(10, 20).forEach(i -> b.append(EventSpoolContract.event(i)).toCompletableFuture().join());
        List<SpooledEvent> heldByA = a.poll(20, Duration.ofSeconds(2));
        assertThat(heldByA).hasSize(20);

        a.abandon();
        List<SpooledEvent> taken = drain(b, Duration.ofSeconds(4));

        assertThat(taken).extracting(e -> e.event().id())
                .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> EventSpoolContract.event(i).id()).toList());
        taken.forEach(b::commit);
    }

    @Test
    void aReplicaStillWorkingOnEventsKeepsThemPastTheAckWait() throws Exception {
        // An ack wait of 3 s leaves the renewals (every second) 2 s of slack on a busy machine.
        JetStreamEventSpool a = replica(Duration.ofSeconds(3));
        JetStreamEventSpool b = replica(Duration.ofSeconds(3));
        IntStream.range(0, 5).forEach(i -> a.append(EventSpoolContract.event(i)).toCompletableFuture().join());
        assertThat(a.poll(5, Duration.ofSeconds(2))).hasSize(5);

        assertThat(drain(b, Duration.ofSeconds(7))).as("more than two ack waits later, nothing was handed to b").isEmpty();
    }

    @Test
    void theSameEventAppendedTwiceWithinTheDuplicateWindowIsStoredOnce() throws Exception {
        JetStreamEventSpool spool = replica();
        spool.append(EventSpoolContract.event(1)).toCompletableFuture().join();
        spool.append(EventSpoolContract.event(1)).toCompletableFuture().join();

        assertThat(drain(spool, Duration.ofSeconds(1))).hasSize(1);
    }

    @Test
    void anUnreachableServerIsReportedWithItsAddressButNeverTheCredentials() {
        assertThatThrownBy(() -> JetStreamEventSpool.connect(JetStreamSpoolConfig.builder("nats://127.0.0.1:1")
                        .userInfo("connector", Secret.of("s3cret-password"))
                        .connectTimeout(Duration.ofMillis(500))
                        .build()))
                .isInstanceOf(SpoolException.class)
                .hasMessageContaining("nats://127.0.0.1:1")
                .hasMessageNotContaining("s3cret-password");
    }

    @Test
    void anotherStreamNameGetsASubjectOfItsOwnSoTwoSpoolsCanShareAServer() {
        assertThat(JetStreamSpoolConfig.builder(nats.url()).build().subject()).isEqualTo(JetStreamSpoolConfig.DEFAULT_SUBJECT);
        assertThat(JetStreamSpoolConfig.builder(nats.url()).stream("Second_Spool").build().subject())
                .isEqualTo("marketing-connector.second_spool");
        spools.add(JetStreamEventSpool.connect(JetStreamSpoolConfig.builder(nats.url()).stream("FIRST_" + stream).build()));
        spools.add(JetStreamEventSpool.connect(JetStreamSpoolConfig.builder(nats.url()).stream("SECOND_" + stream).build()));

        assertThatThrownBy(() -> JetStreamEventSpool.connect(JetStreamSpoolConfig.builder(nats.url()).stream("THIRD_" + stream)
                        .subject("marketing-connector.first_" + stream.toLowerCase()).build()))
                .isInstanceOf(SpoolException.class).hasMessageContaining("choose another NATS_SUBJECT");
    }

    @Test
    void settingsRejectBadValuesNamingThem() {
        assertThatThrownBy(() -> JetStreamSpoolConfig.builder("http://x")).hasMessageContaining("not a NATS URL");
        assertThatThrownBy(() -> JetStreamSpoolConfig.builder(nats.url()).stream("a.b")).hasMessageContaining("stream 'a.b'");
        assertThatThrownBy(() -> JetStreamSpoolConfig.builder(nats.url()).userInfo("u", Secret.of("p")).token(Secret.of("t")).build())
                .isInstanceOf(IllegalStateException.class);
        assertThat(JetStreamSpoolConfig.builder(nats.url()).userInfo("u", Secret.of("pw-123")).build().toString())
                .doesNotContain("pw-123").contains("user/password");
    }
}
