package dev.marketingconnector.examples.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A second ceiling figure: the same CloudEvent POSTed straight to the sink with {@code java.net.http}
 * (the client the bridge's publisher used), a fixed number of requests in flight (each answer starts
 * the next request), no MQTT and no bridge. It is slower than {@link NettyCeilingLoad}, so it is
 * reported next to it and never used alone for a ratio: a slow client makes a low ceiling.
 */
final class JdkCeilingLoad implements CeilingClient {

    /** Its threads as the kernel names them. */
    static final String THREAD_NAME = "HttpClient-";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI endpoint;
    private final int concurrency;
    private final EventPayloads payloads;
    private final HttpClient http;

    JdkCeilingLoad(URI endpoint, int concurrency, EventPayloads payloads) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("ceiling concurrency must be >= 1, got " + concurrency);
        }
        this.endpoint = endpoint;
        this.concurrency = concurrency;
        this.payloads = payloads;
        // The fastest java.net.http set-up, so that the ceiling is one: its internal tasks run on its selector
        // thread instead of hopping to a pool for every response (see BENCHMARKS.md).
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Runnable::run).build();
    }

    @Override
    public String describe() {
        return "java.net.http, " + concurrency + " in flight";
    }

    @Override
    public LoadRun run(DeliveryLedger ledger, Duration timeout) throws InterruptedException {
        int events = ledger.expected();
        long[] latencies = new long[events];
        CountDownLatch done = new CountDownLatch(events);
        AtomicInteger next = new AtomicInteger();
        LongAdder failed = new LongAdder();
        long start = System.nanoTime();
        for (int i = 0; i < Math.min(concurrency, events); i++) {
            sendNext(ledger.tag(), events, next, latencies, failed, done);
        }
        boolean complete = done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        long nanos = System.nanoTime() - start;
        int failures = (int) failed.sum();
        long[] sorted = Stats.sortedPositive(latencies);
        return new LoadRun(events, sorted.length, failures, nanos, sorted, complete);
    }

    private void sendNext(long tag, int events, AtomicInteger next, long[] latencies, LongAdder failed, CountDownLatch done) {
        int sequence = next.getAndIncrement();
        if (sequence >= events) {
            return;
        }
        long sent = System.nanoTime();
        http.sendAsync(payloads.cloudEvent(endpoint, DeliveryLedger.id(tag, sequence), REQUEST_TIMEOUT), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    if (error == null && response.statusCode() / 100 == 2) {
                        latencies[sequence] = Math.max(1, System.nanoTime() - sent);
                    } else {
                        failed.increment();
                    }
                    done.countDown();
                    sendNext(tag, events, next, latencies, failed, done);
                });
    }

    @Override
    public List<String> threadGroups() {
        return List.of(THREAD_NAME);
    }

    /** The client's selector thread ends with the JVM; nothing to close before Java 21. */
    @Override
    public void close() {
    }
}
