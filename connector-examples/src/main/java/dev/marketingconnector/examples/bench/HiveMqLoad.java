package dev.marketingconnector.examples.bench;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttTopic;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The load generator on the HiveMQ MQTT client 1.3: persistent sessions with automatic reconnect,
 * as SAP's publisher; see {@link MqttLoadClients}.
 */
final class HiveMqLoad implements MqttLoadClients {

    private static final MqttTopic TOPIC = MqttTopic.of(EventPayloads.TOPIC);

    private final List<Mqtt3AsyncClient> clients;

    private HiveMqLoad(List<Mqtt3AsyncClient> clients) {
        this.clients = clients;
    }

    /**
     * Connects {@code count} clients, at most {@code connectConcurrency} connecting at once.
     *
     * @throws IllegalStateException when a client cannot connect (the others are disconnected)
     */
    static HiveMqLoad connect(Connection how, int count) throws InterruptedException {
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
        HiveMqLoad load = new HiveMqLoad(clients);
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

    @Override
    public int size() {
        return clients.size();
    }

    @Override
    public long connected() {
        return clients.stream().filter(c -> c.getState().isConnected()).count();
    }

    @Override
    public LoadTracker start(EventPayloads payloads, DeliveryLedger ledger, int inFlightPerClient, Duration sendFor) {
        LoadTracker tracker = new LoadTracker(ledger, sendFor);
        for (Mqtt3AsyncClient client : clients) {
            for (int i = 0; i < inFlightPerClient; i++) {
                publishNext(client, payloads, tracker);
            }
        }
        return tracker;
    }

    private static void publishNext(Mqtt3AsyncClient client, EventPayloads payloads, LoadTracker tracker) {
        int sequence = tracker.claim();
        if (sequence < 0) {
            return;
        }
        byte[] payload = payloads.legacy(DeliveryLedger.id(tracker.tag(), sequence));
        long sent = System.nanoTime();
        client.publishWith().topic(TOPIC).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send().whenComplete((ack, error) -> {
            if (error == null) {
                tracker.acknowledged(sequence, sent);
            } else {
                tracker.failed(sequence);
            }
            publishNext(client, payloads, tracker);
        });
    }

    @Override
    public List<String> threadGroups() {
        return List.of("com.hivemq.clie", "RxComputationTh");
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
