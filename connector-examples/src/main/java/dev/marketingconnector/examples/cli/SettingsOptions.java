package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.config.ConnectorConfiguration;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The settings as command-line flags, shared by every command. A flag wins over the environment
 * variable of the same setting, which wins over {@code --config}.
 */
final class SettingsOptions {

    @Option(names = "--config", paramLabel = "<file.properties>",
            description = "A properties file with settings by environment name (lowest precedence).")
    Path configFile;

    @Option(names = "--system-url", paramLabel = "<url>", description = "SAP system URL (SYSTEM_URL).")
    String systemUrl;

    @Option(names = "--user", paramLabel = "<name>", description = "Communication user (BASIC_USER).")
    String user;

    @Option(names = "--password", paramLabel = "<password>", description = "Its password (BASIC_PASSWORD; prefer the environment).")
    String password;

    @Option(names = "--oauth-client-id", paramLabel = "<id>", description = "OAuth client id the SAP system uses (OAUTH_CLIENT_ID).")
    String oauthClientId;

    @Option(names = "--oauth-client-secret", paramLabel = "<secret>",
            description = "Its secret (OAUTH_CLIENT_SECRET; prefer the environment).")
    String oauthClientSecret;

    @Option(names = "--application", paramLabel = "<name>", description = "Kyma Application name (APPLICATION_NAME).")
    String applicationName;

    @Option(names = "--cluster-domain", paramLabel = "<domain>", description = "Kyma cluster domain (CLUSTER_DOMAIN).")
    String clusterDomain;

    @Option(names = "--registry-url", paramLabel = "<url>",
            description = "Kyma 1.x Application Registry ending in /{app}/v1/metadata/services (REGISTRY_URL); unset: current Kyma.")
    String registryUrl;

    @Option(names = "--events-format", paramLabel = "<cloudevents|kyma-v1>", description = "Events format (EVENTS_FORMAT).")
    String eventsFormat;

    @Option(names = "--events-url", paramLabel = "<url>", description = "Where events go (EVENTS_URL).")
    String eventsUrl;

    @Option(names = "--http-port", paramLabel = "<port>", description = "HTTP port of the event endpoint (HTTP_PORT, default 8080).")
    String httpPort;

    @Option(names = "--mqtt-tcp-port", paramLabel = "<port>", description = "Plain MQTT over TCP port (MQTT_TCP_PORT; unset = off).")
    String mqttTcpPort;

    @Option(names = "--status-port", paramLabel = "<port|off>",
            description = "Serve /status on this port only, or 'off' (STATUS_PORT; unset: on the HTTP port).")
    String statusPort;

    @Option(names = "--asyncapi-url", paramLabel = "<url>",
            description = "URL of /asyncapi.json as Kyma reaches it, for current Kyma's Events entry (ASYNCAPI_URL).")
    String asyncApiUrl;

    @Option(names = "--max-connections", paramLabel = "<n>",
            description = "Open connections on all ports together (MAX_CONNECTIONS, default 4096).")
    String maxConnections;

    @Option(names = "--max-connections-per-address", paramLabel = "<n>",
            description = "Open connections from one source address (MAX_CONNECTIONS_PER_ADDRESS, default 2048).")
    String maxConnectionsPerAddress;

    @Option(names = "--http-request-timeout", paramLabel = "<duration>",
            description = "Deadline for one HTTP request, head and body (HTTP_REQUEST_TIMEOUT, default 10s).")
    String httpRequestTimeout;

    @Option(names = "--max-pipelined-requests", paramLabel = "<n>",
            description = "Requests a connection may send ahead of unread answers before it is closed (MAX_PIPELINED_REQUESTS, default 16).")
    String maxPipelinedRequests;

    @Option(names = "--mqtt-connect-timeout", paramLabel = "<duration>",
            description = "Deadline from the accept until CONNECT, WebSocket upgrade included (MQTT_CONNECT_TIMEOUT, default 10s).")
    String mqttConnectTimeout;

    @Option(names = "--mqtt-max-keep-alive", paramLabel = "<duration>",
            description = "Longest MQTT keep-alive honoured (MQTT_MAX_KEEP_ALIVE, default 10m).")
    String mqttMaxKeepAlive;

    @Option(names = "--mqtt-qos2-release-timeout", paramLabel = "<duration>",
            description = "How long a QoS 2 packet id waits for its PUBREL (MQTT_QOS2_RELEASE_TIMEOUT, default 1m).")
    String mqttQos2ReleaseTimeout;

    @Option(names = "--mqtt-max-qos2-awaiting-release", paramLabel = "<n>",
            description = "QoS 2 packet ids awaiting PUBREL per connection (MQTT_MAX_QOS2_AWAITING_RELEASE, default 1024).")
    String mqttMaxQos2AwaitingRelease;

    @Option(names = "--token-max-failures", paramLabel = "<n>",
            description = "Failed token requests per address and window before 429 (TOKEN_MAX_FAILURES, default 10).")
    String tokenMaxFailures;

    @Option(names = "--token-failure-window", paramLabel = "<duration>",
            description = "The window of TOKEN_MAX_FAILURES (TOKEN_FAILURE_WINDOW, default 1m).")
    String tokenFailureWindow;

    @Option(names = "--failure-log-interval", paramLabel = "<duration>",
            description = "Refused token requests and connections: one log line per address and interval (FAILURE_LOG_INTERVAL, default 1m).")
    String failureLogInterval;

    @Option(names = "--trusted-proxy-hops", paramLabel = "<n>",
            description = "Proxies in front that append to X-Forwarded-For; 0 uses the TCP peer (TRUSTED_PROXY_HOPS, default 0).")
    String trustedProxyHops;

    @Option(names = "--status-max-clients", paramLabel = "<n>",
            description = "MQTT clients listed on /status; the rest are counted (STATUS_MAX_CLIENTS, default 100).")
    String statusMaxClients;
    @Option(names = "--spool", paramLabel = "<none|disk|jetstream>",
            description = "Acknowledge SAP once an event is stored, and forward it later (SPOOL, default none).")
    String spool;

    @Option(names = "--spool-dir", paramLabel = "<dir>", description = "Directory of the disk spool (SPOOL_DIR).")
    String spoolDir;

    @Option(names = "--spool-max-bytes", paramLabel = "<size>", description = "Bound on what the spool holds, e.g. 512m, 2g (SPOOL_MAX_BYTES, default 1g).")
    String spoolMaxBytes;

    @Option(names = "--nats-url", paramLabel = "<url>", description = "NATS server(s) of the JetStream spool, comma-separated (NATS_URL).")
    String natsUrl;

    @Option(names = "--nats-stream", paramLabel = "<name>", description = "JetStream stream of the spool (NATS_STREAM).")
    String natsStream;

    Settings resolve(Map<String, String> environment) {
        Map<String, String> flags = new HashMap<>();
        flags.put(ConnectorConfiguration.SYSTEM_URL, systemUrl);
        flags.put(ConnectorConfiguration.BASIC_USER, user);
        flags.put(ConnectorConfiguration.BASIC_PASSWORD, password);
        flags.put(ConnectorConfiguration.OAUTH_CLIENT_ID, oauthClientId);
        flags.put(ConnectorConfiguration.OAUTH_CLIENT_SECRET, oauthClientSecret);
        flags.put(ConnectorConfiguration.APPLICATION_NAME, applicationName);
        flags.put(ConnectorConfiguration.CLUSTER_DOMAIN, clusterDomain);
        flags.put(Settings.REGISTRY_URL, registryUrl);
        flags.put(Settings.EVENTS_FORMAT, eventsFormat);
        flags.put(Settings.EVENTS_URL, eventsUrl);
        flags.put(Settings.HTTP_PORT, httpPort);
        flags.put(Settings.MQTT_TCP_PORT, mqttTcpPort);
        flags.put(Settings.ASYNCAPI_URL, asyncApiUrl);
        flags.put(Settings.STATUS_PORT, statusPort);
        flags.put(Settings.MAX_CONNECTIONS, maxConnections);
        flags.put(Settings.MAX_CONNECTIONS_PER_ADDRESS, maxConnectionsPerAddress);
        flags.put(Settings.HTTP_REQUEST_TIMEOUT, httpRequestTimeout);
        flags.put(Settings.MAX_PIPELINED_REQUESTS, maxPipelinedRequests);
        flags.put(Settings.MQTT_CONNECT_TIMEOUT, mqttConnectTimeout);
        flags.put(Settings.MQTT_MAX_KEEP_ALIVE, mqttMaxKeepAlive);
        flags.put(Settings.MQTT_QOS2_RELEASE_TIMEOUT, mqttQos2ReleaseTimeout);
        flags.put(Settings.MQTT_MAX_QOS2_AWAITING_RELEASE, mqttMaxQos2AwaitingRelease);
        flags.put(Settings.TOKEN_MAX_FAILURES, tokenMaxFailures);
        flags.put(Settings.TOKEN_FAILURE_WINDOW, tokenFailureWindow);
        flags.put(Settings.FAILURE_LOG_INTERVAL, failureLogInterval);
        flags.put(Settings.TRUSTED_PROXY_HOPS, trustedProxyHops);
        flags.put(Settings.STATUS_MAX_CLIENTS, statusMaxClients);
        flags.put(Settings.SPOOL, spool);
        flags.put(Settings.SPOOL_DIR, spoolDir);
        flags.put(Settings.SPOOL_MAX_BYTES, spoolMaxBytes);
        flags.put(Settings.NATS_URL, natsUrl);
        flags.put(Settings.NATS_STREAM, natsStream);
        return Settings.resolve(flags, environment, Optional.ofNullable(configFile));
    }
}
