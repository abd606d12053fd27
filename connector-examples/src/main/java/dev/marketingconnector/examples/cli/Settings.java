package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.config.ConfigurationProblem;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The runnable's settings by environment name, merged from three sources: command-line flags win
 * over the environment, which wins over a {@code --config} properties file (whose keys are the same
 * environment names).
 */
final class Settings {

    static final String REGISTRY_URL = "REGISTRY_URL";
    static final String EVENTS_FORMAT = "EVENTS_FORMAT";
    static final String EVENTS_URL = "EVENTS_URL";
    static final String HTTP_PORT = "HTTP_PORT";
    static final String MQTT_TCP_PORT = "MQTT_TCP_PORT";
    static final String TOKEN_SIGNING_KEY = "TOKEN_SIGNING_KEY";
    static final String ASYNCAPI_URL = "ASYNCAPI_URL";
    static final String STATUS_PORT = "STATUS_PORT";
    static final String KYMA_TRUST_STORE = "KYMA_TRUST_STORE";
    static final String KYMA_TRUST_STORE_PASSWORD = "KYMA_TRUST_STORE_PASSWORD";
    static final String KYMA_KEY_STORE = "KYMA_KEY_STORE";
    static final String KYMA_KEY_STORE_PASSWORD = "KYMA_KEY_STORE_PASSWORD";
    static final String SPOOL = "SPOOL";
    static final String SPOOL_DIR = "SPOOL_DIR";
    static final String SPOOL_MAX_BYTES = "SPOOL_MAX_BYTES";
    static final String SPOOL_DEAD_LETTER_MAX_BYTES = "SPOOL_DEAD_LETTER_MAX_BYTES";
    static final String DEAD_LETTERS_KEPT = "DEAD_LETTERS_KEPT";
    static final String NATS_URL = "NATS_URL";
    static final String NATS_CREDENTIALS = "NATS_CREDENTIALS";
    static final String NATS_USER = "NATS_USER";
    static final String NATS_PASSWORD = "NATS_PASSWORD";
    static final String NATS_TOKEN = "NATS_TOKEN";
    static final String NATS_TRUST_STORE = "NATS_TRUST_STORE";
    static final String NATS_TRUST_STORE_PASSWORD = "NATS_TRUST_STORE_PASSWORD";
    static final String NATS_KEY_STORE = "NATS_KEY_STORE";
    static final String NATS_KEY_STORE_PASSWORD = "NATS_KEY_STORE_PASSWORD";
    static final String NATS_STREAM = "NATS_STREAM";
    static final String NATS_SUBJECT = "NATS_SUBJECT";
    static final String NATS_CONSUMER = "NATS_CONSUMER";
    static final String NATS_REPLICAS = "NATS_REPLICAS";
    static final String NATS_ACK_WAIT = "NATS_ACK_WAIT";
    static final String LOG_LEVEL = "LOG_LEVEL";
    static final String LOG_FORMAT = "LOG_FORMAT";
    // Limits of the event endpoint against hostile and careless clients (BridgeConfig's DEFAULT_* when unset).
    static final String MAX_CONNECTIONS = "MAX_CONNECTIONS";
    static final String MAX_CONNECTIONS_PER_ADDRESS = "MAX_CONNECTIONS_PER_ADDRESS";
    static final String HTTP_REQUEST_TIMEOUT = "HTTP_REQUEST_TIMEOUT";
    static final String MAX_PIPELINED_REQUESTS = "MAX_PIPELINED_REQUESTS";
    static final String MQTT_CONNECT_TIMEOUT = "MQTT_CONNECT_TIMEOUT";
    static final String MQTT_MAX_KEEP_ALIVE = "MQTT_MAX_KEEP_ALIVE";
    static final String MQTT_QOS2_RELEASE_TIMEOUT = "MQTT_QOS2_RELEASE_TIMEOUT";
    static final String MQTT_MAX_QOS2_AWAITING_RELEASE = "MQTT_MAX_QOS2_AWAITING_RELEASE";
    static final String TOKEN_MAX_FAILURES = "TOKEN_MAX_FAILURES";
    static final String TOKEN_FAILURE_WINDOW = "TOKEN_FAILURE_WINDOW";
    static final String FAILURE_LOG_INTERVAL = "FAILURE_LOG_INTERVAL";
    static final String TRUSTED_PROXY_HOPS = "TRUSTED_PROXY_HOPS";
    static final String STATUS_MAX_CLIENTS = "STATUS_MAX_CLIENTS";

    static final int DEFAULT_HTTP_PORT = 8080;

    private final Map<String, String> values;

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /**
     * @param flags       values given as command-line flags (null values are ignored)
     * @param environment the process environment
     * @param configFile  an optional properties file
     * @throws SettingsException when the file cannot be read
     */
    static Settings resolve(Map<String, String> flags, Map<String, String> environment, Optional<Path> configFile) {
        Map<String, String> merged = new HashMap<>();
        configFile.ifPresent(file -> merged.putAll(readProperties(file)));
        environment.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                merged.put(k, v);
            }
        });
        flags.forEach((k, v) -> {
            if (v != null) {
                merged.put(k, v);
            }
        });
        return new Settings(merged);
    }

    static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new SettingsException(List.of(new ConfigurationProblem("--config", "cannot read '" + file + "': " + e.getMessage())));
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name.strip(), properties.getProperty(name).strip()));
        return map;
    }

    Map<String, String> asMap() {
        return values;
    }

    Optional<String> get(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    boolean isSet(String name) {
        return get(name).isPresent();
    }

    /** A port setting, checked; problems are added to the list. */
    Optional<Integer> port(String name, List<ConfigurationProblem> problems) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            int port = Integer.parseInt(raw.get());
            if (port < 0 || port > 65535) {
                problems.add(new ConfigurationProblem(name, "'" + raw.get() + "' is not a port (0-65535)"));
                return Optional.empty();
            }
            return Optional.of(port);
        } catch (NumberFormatException e) {
            problems.add(new ConfigurationProblem(name, "'" + raw.get() + "' is not a number"));
            return Optional.empty();
        }
    }

    /** A whole-number setting, checked; problems are added to the list. */
    Optional<Integer> integer(String name, List<ConfigurationProblem> problems) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(raw.get()));
        } catch (NumberFormatException e) {
            problems.add(new ConfigurationProblem(name, "'" + raw.get() + "' is not a whole number"));
            return Optional.empty();
        }
    }

    /** A duration setting ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h} or ISO-8601), checked; problems are added to the list. */
    Optional<java.time.Duration> duration(String name, List<ConfigurationProblem> problems) {
        Optional<String> raw = get(name);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(RunCommand.parseDuration(raw.get()));
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigurationProblem(name, e.getMessage()));
            return Optional.empty();
        }
    }

    /** Thrown for settings outside the seven core ones; lists every problem. */
    static final class SettingsException extends dev.marketingconnector.core.config.ConfigurationException {

        private static final long serialVersionUID = 1L;

        SettingsException(List<ConfigurationProblem> problems) {
            super(new ArrayList<>(problems));
        }
    }
}
