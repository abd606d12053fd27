package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.config.ConfigurationException;
import dev.marketingconnector.core.config.ConfigurationProblem;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Where {@code GET /status} is served, from the {@code STATUS_PORT} setting: unset, on the HTTP port
 * next to {@code /metrics}; a port number, on that port only (and not on the public HTTP port);
 * {@code off}, nowhere.
 */
public record StatusEndpoint(Mode mode, int port) {

    public static final String SETTING = "STATUS_PORT";
    public static final StatusEndpoint ON_HTTP_PORT = new StatusEndpoint(Mode.ON_HTTP_PORT, -1);
    public static final StatusEndpoint OFF = new StatusEndpoint(Mode.OFF, -1);

    public enum Mode {
        ON_HTTP_PORT,
        SEPARATE_PORT,
        OFF
    }

    public StatusEndpoint {
        if (mode == null) {
            throw new IllegalArgumentException("mode must not be null");
        }
        if (mode == Mode.SEPARATE_PORT && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException(SETTING + " must be a port (0-65535), got " + port);
        }
    }

    /** On a port of its own; 0 picks a free one. */
    public static StatusEndpoint separatePort(int port) {
        return new StatusEndpoint(Mode.SEPARATE_PORT, port);
    }

    /**
     * Reads the setting: null or blank, a port number, or {@code off}.
     *
     * @throws ConfigurationException naming {@value #SETTING} and the value
     */
    public static StatusEndpoint parse(String value) {
        if (value == null || value.isBlank()) {
            return ON_HTTP_PORT;
        }
        String text = value.strip();
        if (text.toLowerCase(Locale.ROOT).equals("off")) {
            return OFF;
        }
        int port;
        try {
            port = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw invalid("'" + text + "' is neither a port number nor 'off'");
        }
        if (port < 0 || port > 65535) {
            throw invalid("'" + text + "' is not a port (0-65535)");
        }
        return separatePort(port);
    }

    private static ConfigurationException invalid(String message) {
        return new ConfigurationException(List.of(new ConfigurationProblem(SETTING, message)));
    }

    /** The separate port, when there is one. */
    public OptionalInt separate() {
        return mode == Mode.SEPARATE_PORT ? OptionalInt.of(port) : OptionalInt.empty();
    }

    @Override
    public String toString() {
        return switch (mode) {
            case ON_HTTP_PORT -> "on the HTTP port";
            case SEPARATE_PORT -> "on port " + port;
            case OFF -> "off";
        };
    }
}
