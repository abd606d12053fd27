package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.testing.RecordingEventPublisher;
import dev.marketingconnector.mqtt.BridgeListener.CloseReason;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class SessionTest {

    @Test
    void answersSessionPresentForPersistentSessionsSoClientsResend() throws Exception {
        try (TestBridge bridge = TestBridge.start(new RecordingEventPublisher())) {
            try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
                assertThat(raw.send(RawMqtt.connect("persistent", 30, false, null)).expect(RawMqtt.CONNACK).body())
                        .containsExactly(1, 0);
            }
            try (RawMqtt raw = RawMqtt.webSocket(bridge.port(), bridge.token())) {
                assertThat(raw.send(RawMqtt.connect("clean", 30, true, null)).expect(RawMqtt.CONNACK).body())
                        .containsExactly(0, 0);
            }
        }
    }

    @Test
    void aNewConnectionWithTheSameClientIdTakesOver() throws Exception {
        List<CloseReason> closes = new CopyOnWriteArrayList<>();
        List<String> opened = new CopyOnWriteArrayList<>();
        try (TestBridge bridge = TestBridge.start(new RecordingEventPublisher(), b -> b.listener(new BridgeListener() {
            @Override
            public void connectionOpened(String clientId, String remoteAddress) {
                opened.add(clientId);
            }

            @Override
            public void connectionClosed(String clientId, String remoteAddress, CloseReason reason) {
                closes.add(reason);
            }
        }));
                RawMqtt first = RawMqtt.webSocket(bridge.port(), bridge.token());
                RawMqtt second = RawMqtt.webSocket(bridge.port(), bridge.token())) {
            first.send(RawMqtt.connect("sap-tenant", 30, false, null)).expect(RawMqtt.CONNACK);
            second.send(RawMqtt.connect("sap-tenant", 30, false, null)).expect(RawMqtt.CONNACK);

            assertThat(first.awaitClosed(Duration.ofSeconds(5))).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> closes.contains(CloseReason.TAKEN_OVER));
            second.send(RawMqtt.pingreq()).expect(RawMqtt.PINGRESP);
            assertThat(bridge.bridge.connectedClients()).singleElement().extracting(ConnectedClient::clientId).isEqualTo("sap-tenant");
            assertThat(opened).containsExactly("sap-tenant", "sap-tenant");
        }
    }
}
