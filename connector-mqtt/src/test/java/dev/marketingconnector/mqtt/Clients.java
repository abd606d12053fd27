package dev.marketingconnector.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** Real MQTT clients (HiveMQ, Eclipse Paho) over WebSocket, set up the way the SAP system connects. */
final class Clients {

    private Clients() {
    }

    static Mqtt3ClientBuilder hiveBuilder(int port, String clientId, String token) {
        return MqttClient.builder()
                .useMqttVersion3()
                .identifier(clientId)
                .serverHost("127.0.0.1")
                .serverPort(port)
                .webSocketConfig()
                .serverPath("mqtt")
                .subprotocol("mqtt")
                .httpHeaders(token == null ? Map.of() : Map.of("Authorization", "Bearer " + token))
                .applyWebSocketConfig();
    }

    static Mqtt3AsyncClient hive(int port, String clientId, String token) throws Exception {
        Mqtt3AsyncClient client = hiveBuilder(port, clientId, token).buildAsync();
        client.connectWith().cleanSession(false).send().get(10, TimeUnit.SECONDS);
        return client;
    }

    static MqttConnectOptions pahoOptions(String token, boolean cleanSession) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(cleanSession);
        options.setMaxInflight(1000);
        options.setConnectionTimeout(10);
        if (token != null) {
            Properties headers = new Properties();
            headers.setProperty("Authorization", "Bearer " + token);
            options.setCustomWebSocketHeaders(headers);
        }
        return options;
    }

    static MqttAsyncClient pahoClient(int port, String clientId) throws MqttException {
        return new MqttAsyncClient("ws://127.0.0.1:" + port + "/mqtt", clientId, new MemoryPersistence());
    }

    static MqttAsyncClient paho(int port, String clientId, String token) throws MqttException {
        MqttAsyncClient client = pahoClient(port, clientId);
        client.connect(pahoOptions(token, true)).waitForCompletion(10_000);
        return client;
    }

    static void closeQuietly(MqttAsyncClient client) {
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            // test teardown
        }
    }
}
