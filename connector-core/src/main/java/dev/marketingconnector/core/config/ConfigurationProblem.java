package dev.marketingconnector.core.config;

import java.util.Objects;

/**
 * One thing wrong with a configuration: the setting, by its environment name
 * (e.g. {@code SYSTEM_URL}), and what is wrong with it. Never holds a secret's value.
 */
public record ConfigurationProblem(String setting, String message) {

    /**
     * Checks the components.
     *
     * @param setting the setting
     * @param message the message
     */
    public ConfigurationProblem {
        Objects.requireNonNull(setting, "setting");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return setting + ": " + message;
    }
}
