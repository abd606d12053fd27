package dev.marketingconnector.nats;

import dev.marketingconnector.core.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * Settings of a {@link JetStreamEventSpool}: immutable, built with {@link #builder(String)}; every
 * setter checks its value at once, {@link Builder#build()} what spans settings. {@link #toString()}
 * never shows a credential.
 */
public final class JetStreamSpoolConfig {

    public static final String DEFAULT_STREAM = "MARKETING_CONNECTOR_EVENTS";
    public static final String DEFAULT_SUBJECT = "marketing-connector.events";
    public static final String DEFAULT_CONSUMER = "forwarder";
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    public static final long DEFAULT_DEAD_LETTER_MAX_BYTES = 64L << 20;
    public static final int DEFAULT_REPLICAS = 1;
    /** How long a replica may hold an event without progress before JetStream gives it to another (the holder extends it while it works). */
    public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ACK_PENDING = 1024;
    /** Appends of the same event id within this window are stored once. */
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    private final List<String> servers;
    private final Optional<Path> credentialsFile;
    private final Optional<String> user;
    private final Optional<Secret> password;
    private final Optional<Secret> token;
    private final Optional<SSLContext> sslContext;
    private final String stream;
    private final String subject;
    private final String consumer;
    private final long maxBytes;
    private final long deadLetterMaxBytes;
    private final int replicas;
    private final Duration ackWait;
    private final int maxAckPending;
    private final Duration duplicateWindow;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Clock clock;

    private JetStreamSpoolConfig(Builder b) {
        servers = List.copyOf(b.servers);
        credentialsFile = Optional.ofNullable(b.credentialsFile);
        user = Optional.ofNullable(b.user);
        password = Optional.ofNullable(b.password);
        token = Optional.ofNullable(b.token);
        sslContext = Optional.ofNullable(b.sslContext);
        stream = b.stream;
        subject = b.subject != null ? b.subject
                : b.stream.equals(DEFAULT_STREAM) ? DEFAULT_SUBJECT : "marketing-connector." + b.stream.toLowerCase(java.util.Locale.ROOT);
        consumer = b.consumer;
        maxBytes = b.maxBytes;
        deadLetterMaxBytes = b.deadLetterMaxBytes;
        replicas = b.replicas;
        ackWait = b.ackWait;
        maxAckPending = b.maxAckPending;
        duplicateWindow = b.duplicateWindow;
        connectTimeout = b.connectTimeout;
        requestTimeout = b.requestTimeout;
        clock = b.clock;
    }

    /** @param servers one NATS URL or several separated by commas ({@code nats://host:4222}, {@code tls://…}) */
    public static Builder builder(String servers) {
        return new Builder(servers);
    }

    public List<String> servers() {
        return servers;
    }

    public Optional<Path> credentialsFile() {
        return credentialsFile;
    }

    public Optional<String> user() {
        return user;
    }

    public Optional<Secret> password() {
        return password;
    }

    public Optional<Secret> token() {
        return token;
    }

    public Optional<SSLContext> sslContext() {
        return sslContext;
    }

    public String stream() {
        return stream;
    }

    public String subject() {
        return subject;
    }

    public String consumer() {
        return consumer;
    }

    /** The dead-letter stream: the event stream's name with {@code _DEAD_LETTERS}. */
    public String deadLetterStream() {
        return stream + "_DEAD_LETTERS";
    }

    public String deadLetterSubject() {
        return subject + ".dead-letters";
    }

    public long maxBytes() {
        return maxBytes;
    }

    public long deadLetterMaxBytes() {
        return deadLetterMaxBytes;
    }

    public int replicas() {
        return replicas;
    }

    public Duration ackWait() {
        return ackWait;
    }

    public int maxAckPending() {
        return maxAckPending;
    }

    public Duration duplicateWindow() {
        return duplicateWindow;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "JetStreamSpoolConfig[servers=" + servers + ", stream=" + stream + ", subject=" + subject + ", consumer=" + consumer
                + ", maxBytes=" + maxBytes + ", deadLetterMaxBytes=" + deadLetterMaxBytes + ", replicas=" + replicas
                + ", ackWait=" + ackWait + ", maxAckPending=" + maxAckPending + ", credentials="
                + (credentialsFile.isPresent() ? "file" : user.isPresent() ? "user/password" : token.isPresent() ? "token" : "none")
                + ", tls=" + sslContext.isPresent() + "]";
    }

    public static final class Builder {

        private final List<String> servers = new ArrayList<>();
        private Path credentialsFile;
        private String user;
        private Secret password;
        private Secret token;
        private SSLContext sslContext;
        private String stream = DEFAULT_STREAM;
        private String subject;
        private String consumer = DEFAULT_CONSUMER;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private long deadLetterMaxBytes = DEFAULT_DEAD_LETTER_MAX_BYTES;
        private int replicas = DEFAULT_REPLICAS;
        private Duration ackWait = DEFAULT_ACK_WAIT;
        private int maxAckPending = DEFAULT_MAX_ACK_PENDING;
        private Duration duplicateWindow = DEFAULT_DUPLICATE_WINDOW;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Clock clock = Clock.systemUTC();

        private Builder(String servers) {
            Objects.requireNonNull(servers, "servers");
            for (String server : servers.split(",")) {
                String s = server.strip();
                if (s.isEmpty()) {
                    continue;
                }
                if (!s.matches("(?i)(nats|tls|ws|wss)://[^\\s/]+(:[0-9]+)?/?")) {
                    throw new IllegalArgumentException("'" + s + "' is not a NATS URL such as nats://nats.kyma-system:4222");
                }
                this.servers.add(s);
            }
            if (this.servers.isEmpty()) {
                throw new IllegalArgumentException("at least one NATS URL is needed");
            }
        }

        /** A NATS credentials file (JWT and NKey seed), as {@code nsc} writes it. */
        public Builder credentialsFile(Path file) {
            Objects.requireNonNull(file, "credentialsFile");
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException("the NATS credentials file '" + file + "' is not a readable file");
            }
            this.credentialsFile = file;
            return this;
        }

        public Builder userInfo(String user, Secret password) {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (user.isBlank()) {
                throw new IllegalArgumentException("user must not be blank");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        public Builder token(Secret token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /** TLS for {@code tls://} servers, or a server that requires it (trust store, client certificate). */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        public Builder stream(String name) {
            this.stream = matching("stream", name, NAME);
            return this;
        }

        /** Default {@value #DEFAULT_SUBJECT}; with another stream name, {@code marketing-connector.<stream in lower case>}. */
        public Builder subject(String subject) {
            this.subject = matching("subject", subject, SUBJECT);
            return this;
        }

        /** The durable consumer all replicas share. */
        public Builder consumer(String name) {
            this.consumer = matching("consumer", name, NAME);
            return this;
        }

        public Builder maxBytes(long bytes) {
            if (bytes < 16 * 1024) {
                throw new IllegalArgumentException("maxBytes must be at least 16 KiB, got " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        public Builder deadLetterMaxBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("deadLetterMaxBytes must be at least 1 KiB, got " + bytes);
            }
            this.deadLetterMaxBytes = bytes;
            return this;
        }

        /** Stream replicas in a NATS cluster (1, 3 or 5 are usual). */
        public Builder replicas(int replicas) {
            if (replicas < 1 || replicas > 5) {
                throw new IllegalArgumentException("replicas must be 1..5, got " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        public Builder ackWait(Duration wait) {
            this.ackWait = atLeast("ackWait", wait, Duration.ofSeconds(1));
            return this;
        }

        public Builder maxAckPending(int pending) {
            if (pending < 1) {
                throw new IllegalArgumentException("maxAckPending must be >= 1, got " + pending);
            }
            this.maxAckPending = pending;
            return this;
        }

        public Builder duplicateWindow(Duration window) {
            this.duplicateWindow = atLeast("duplicateWindow", window, Duration.ofMillis(100));
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = atLeast("connectTimeout", timeout, Duration.ofMillis(100));
            return this;
        }

        /** How long a publish or a management call may wait for JetStream's answer. */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = atLeast("requestTimeout", timeout, Duration.ofMillis(100));
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @throws IllegalStateException naming each conflict */
        public JetStreamSpoolConfig build() {
            int credentials = (credentialsFile != null ? 1 : 0) + (user != null ? 1 : 0) + (token != null ? 1 : 0);
            if (credentials > 1) {
                throw new IllegalStateException("use one of a credentials file, user and password, or a token, not several");
            }
            return new JetStreamSpoolConfig(this);
        }

        private static String matching(String what, String value, Pattern pattern) {
            Objects.requireNonNull(value, what);
            if (!pattern.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " '" + value + "' may hold only letters, digits, '-' and '_'"
                        + (what.equals("subject") ? " in dot-separated tokens" : " (at most 64)"));
            }
            return value;
        }

        private static Duration atLeast(String name, Duration value, Duration min) {
            Objects.requireNonNull(value, name);
            if (value.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
            }
            return value;
        }
    }
}
