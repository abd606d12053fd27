package dev.marketingconnector.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A password, client secret or token. Its {@link #toString()} never shows the value, so a secret
 * that ends up in a log line, an exception message or a record's {@code toString} stays hidden.
 * Call {@link #reveal()} only where the value is sent to the system that needs it.
 */
public final class Secret {

    private static final String MASK = "******";

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    /**
     * Wraps a non-null value.
     *
     * @param value the value
     * @return the secret
     */
    public static Secret of(String value) {
        return new Secret(Objects.requireNonNull(value, "secret value"));
    }

    /** {@return the plain value, for the one place that must send it} */
    public String reveal() {
        return value;
    }

    /** {@return whether empty} */
    public boolean isEmpty() {
        return value.isEmpty();
    }

    /**
     * Compares in constant time, so the comparison does not leak how much of a guess was right.
     *
     * @param candidate the text to compare
     * @return whether matches
     */
    public boolean matches(String candidate) {
        if (candidate == null) {
            return false;
        }
        return MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret secret && matches(secret.value);
    }

    @Override
    public int hashCode() {
        return value.length();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
