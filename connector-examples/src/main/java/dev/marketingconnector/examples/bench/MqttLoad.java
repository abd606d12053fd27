package dev.marketingconnector.examples.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttTopic;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load generator: MQTT 3.1.1 clients (the HiveMQ MQTT client) on WebSockets to the bridge, each
 * with {@code Authorization: Bearer <token>} on the upgrade as SAP sends it. A run keeps a fixed
 * number of QoS 1 PUBLISHes in flight per client (each PUBACK sends the next) and measures every
 * message's publish → PUBACK latency.
 */
final class MqttLoad implements AutoCloseable {

    private static final MqttTopic TOPIC = MqttTopic.of(EventPayloads.TOPIC);

    private final List<Mqtt3AsyncClient> clients;

    private MqttLoad(List<Mqtt3AsyncClient> clients) {
        this.clients = clients;
    }

    /** How the clients connect. */
    record Connection(URI bridge, Secret token, String clientIdPrefix, int keepAliveSeconds, boolean persistentSession,
            int connectConcurrency, Duration timeout) {
    }

    /**
     * Connects {@code count} clients, at most {@code connectConcurrency} connecting at once.
     *
     * @throws IllegalStateException when a client cannot connect (the others are disconnected)
     */
    static MqttLoad connect(Connection how, int count) throws InterruptedException {
        List<Mqtt3AsyncClient> clients = new ArrayList<>(count);
        Semaphore connecting = new Semaphore(how.connectConcurrency());
        List<CompletableFuture<?>> connects = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Mqtt3ClientBuilder builder = MqttClient.builder()
                    .useMqttVersion3()
                    .identifier(how.clientIdPrefix() + "-" + i)
                    .serverHost(how.bridge().getHost())
                    .serverPort(how.bridge().getPort())
                    .webSocketConfig()
                    .serverPath("/mqtt")
                    .subprotocol("mqtt")
                    .httpHeaders(Map.of("Authorization", "Bearer " + how.token().reveal()))
                    .applyWebSocketConfig();
            if (how.persistentSession()) {
                // As SAP does: a lost connection is re-established and unacknowledged messages are sent again.
                builder = builder.automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(2, TimeUnit.SECONDS)
                        .applyAutomaticReconnect();
            }
            Mqtt3AsyncClient client = builder.buildAsync();
            clients.add(client);
            connecting.acquire();
            connects.add(client.connectWith()
                    .cleanSession(!how.persistentSession())
                    .keepAlive(how.keepAliveSeconds())
                    .send()
                    .whenComplete((ack, error) -> connecting.release()));
        }
        MqttLoad load = new MqttLoad(clients);
        try {
            CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(how.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            long failed = connects.stream().filter(f -> f.isCompletedExceptionally() || !f.isDone()).count();
            load.close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException(failed + " of " + count + " MQTT clients could not connect to " + how.bridge() + ": " + cause, cause);
        }
        return load;
    }

    int size() {
        return clients.size();
    }

    long connected() {
        return clients.stream().filter(c -> c.getState().isConnected()).count();
    }

    /** Starts publishing the events of {@code ledger}, {@code inFlightPerClient} at a time on every client. */
    Run start(EventPayloads payloads, DeliveryLedger ledger, int inFlightPerClient) {
        Run run = new Run(payloads, ledger);
        for (Mqtt3AsyncClient client : clients) {
            for (int i = 0; i < inFlightPerClient; i++) {
                run.publishNext(client);
            }
        }
        return run;
    }

    /** One run in progress. */
    static final class Run {

        private final EventPayloads payloads;
        private final long tag;
        private final int events;
        private final long[] latencies;
        private final AtomicInteger next = new AtomicInteger();
        private final LongAdder failed = new LongAdder();
        private final CountDownLatch done;
        private final long start = System.nanoTime();

        private Run(EventPayloads payloads, DeliveryLedger ledger) {
            this.payloads = payloads;
            this.tag = ledger.tag();
            this.events = ledger.expected();
            this.latencies = new long[events];
            this.done = new CountDownLatch(events);
        }

        private void publishNext(Mqtt3AsyncClient client) {
            int sequence = next.getAndIncrement();
            if (sequence >= events) {
                return;
            }
            byte[] payload = payloads.legacy(DeliveryLedger.id(tag, sequence));
            long sent = System.nanoTime();
            client.publishWith().topic(TOPIC).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send().whenComplete((ack, error) -> {
                if (error == null) {
                    latencies[sequence] = Math.max(1, System.nanoTime() - sent);
                } else {
                    failed.increment();
                }
                done.countDown();
                publishNext(client);
            });
        }

        /** Events answered so far (acknowledged or failed). */
        long answered() {
            return events - done.getCount();
        }

        LoadRun await(Duration timeout) throws InterruptedException {
            boolean complete = done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            long nanos = System.nanoTime() - start;
            long[] sorted = Stats.sortedPositive(latencies);
            return new LoadRun(events, sorted.length, (int) failed.sum(), nanos, sorted, complete);
        }
    }

    /** Disconnects every client (at most a few seconds). */
    @Override
    public void close() {
        List<CompletableFuture<Void>> disconnects = new ArrayList<>(clients.size());
        for (Mqtt3AsyncClient client : clients) {
            disconnects.add(client.disconnect().exceptionally(e -> null));
        }
        try {
            CompletableFuture.allOf(disconnects.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the bridge is going away anyway
        }
    }
}
