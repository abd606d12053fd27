package dev.marketingconnector.kyma.transport;

import dev.marketingconnector.core.ConnectorException;
import dev.marketingconnector.core.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings for HTTPS calls to Kyma: a trust store for a server certificate the JDK does not
 * trust (a cluster's own CA), and a key store holding the client certificate that the Kyma 1.x
 * gateway authenticates an Application by. Either may be absent: without a trust store the JDK's
 * default trust applies, without a key store no client certificate is sent.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.builder()
 *         .trustStore(Path.of("kyma-ca.p12"), Secret.of(trustPassword))
 *         .keyStore(Path.of("mkt-prod-client.p12"), Secret.of(keyPassword))
 *         .build();
 * }</pre>
 */
public final class TlsConfig {

    /** The store type used when none is given: PKCS #12, what {@code keytool} writes by default. */
    public static final String DEFAULT_STORE_TYPE = "PKCS12";

    private final Store trustStore;
    private final Store keyStore;

    private record Store(Path path, String type, Secret password) {
    }

    private TlsConfig(Builder builder) {
        this.trustStore = builder.trustStore;
        this.keyStore = builder.keyStore;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the trust store} */
    public Optional<Path> trustStore() {
        return Optional.ofNullable(trustStore).map(Store::path);
    }

    /** {@return the key store} */
    public Optional<Path> keyStore() {
        return Optional.ofNullable(keyStore).map(Store::path);
    }

    /**
     * An SSL context with these stores, loaded now.
     *
     * @return an SSL context with these stores, loaded now
     * @throws ConnectorException naming the store file when it cannot be read (never its password)
     */
    public SSLContext sslContext() {
        try {
            TrustManagerFactory trust = null;
            if (trustStore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(trustStore, "trust store"));
            }
            KeyManagerFactory keys = null;
            if (keyStore != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore, "key store"), keyStore.password().reveal().toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new ConnectorException("Cannot set up TLS with " + this + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Store store, String what) {
        try (InputStream in = Files.newInputStream(store.path())) {
            KeyStore keyStore = KeyStore.getInstance(store.type());
            keyStore.load(in, store.password().reveal().toCharArray());
            return keyStore;
        } catch (IOException | GeneralSecurityException e) {
            // A wrong password surfaces as an IOException whose message says so, without the password.
            throw new ConnectorException("Cannot load the " + what + " " + store.path() + " (" + store.type() + "): " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsConfig[trustStore=" + trustStore().map(Path::toString).orElse("JDK default")
                + ", keyStore=" + keyStore().map(Path::toString).orElse("none") + "]";
    }

    /** Collects the trust store and the key store. */
    public static final class Builder {

        private Store trustStore;
        private Store keyStore;

        private Builder() {
        }

        /**
         * Trusts the certificates in this PKCS #12 file (instead of the JDK's defaults).
         *
         * @param path the path
         * @param password the password
         * @return this builder
         */
        public Builder trustStore(Path path, Secret password) {
            return trustStore(path, DEFAULT_STORE_TYPE, password);
        }

        /**
         * Trusts the certificates in this key store file of the given type.
         *
         * @param path the path
         * @param type the type
         * @param password the password
         * @return this builder
         */
        public Builder trustStore(Path path, String type, Secret password) {
            this.trustStore = store(path, type, password, "trustStore");
            return this;
        }

        /**
         * Presents the key and certificate in this PKCS #12 file as the client certificate (key password = store password).
         *
         * @param path the path
         * @param password the password
         * @return this builder
         */
        public Builder keyStore(Path path, Secret password) {
            return keyStore(path, DEFAULT_STORE_TYPE, password);
        }

        /**
         * Presents the key and certificate in this key store file of the given type (key password = store password).
         *
         * @param path the path
         * @param type the type
         * @param password the password
         * @return this builder
         */
        public Builder keyStore(Path path, String type, Secret password) {
            this.keyStore = store(path, type, password, "keyStore");
            return this;
        }

        private static Store store(Path path, String type, Secret password, String field) {
            Objects.requireNonNull(path, field + " path");
            Objects.requireNonNull(type, field + " type");
            Objects.requireNonNull(password, field + " password");
            if (!Files.isReadable(path)) {
                throw new IllegalArgumentException(field + ": cannot read " + path);
            }
            if (type.isBlank()) {
                throw new IllegalArgumentException(field + ": the store type must not be blank");
            }
            return new Store(path, type, password);
        }

        /** {@return the build} */
        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
