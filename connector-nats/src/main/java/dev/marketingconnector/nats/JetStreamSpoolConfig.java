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

    /** The event stream's name. */
    public static final String DEFAULT_STREAM = "MARKETING_CONNECTOR_EVENTS";
    /** The subject events are published on, with the default stream name. */
    public static final String DEFAULT_SUBJECT = "marketing-connector.events";
    /** The name of the durable consumer all replicas share. */
    public static final String DEFAULT_CONSUMER = "forwarder";
    /** Bound on the event stream: 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** Bound on the dead-letter stream: 64 MiB. */
    public static final long DEFAULT_DEAD_LETTER_MAX_BYTES = 64L << 20;
    /** Stream replicas: one (a single server). */
    public static final int DEFAULT_REPLICAS = 1;
    /** How long a replica may hold an event without progress before JetStream gives it to another (the holder extends it while it works). */
    public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);
    /** Events the shared consumer hands out unacknowledged at most, across all replicas. */
    public static final int DEFAULT_MAX_ACK_PENDING = 1024;
    /** Appends of the same event id within this window are stored once. */
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
    /** How long connecting to a server may take. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a publish or a management call may wait for JetStream's answer. */
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

    /**
     * Starts the settings of a spool on these servers, with the {@code DEFAULT_*} values.
     *
     * @param servers one NATS URL or several separated by commas ({@code nats://host:4222}, {@code tls://…})
     * @return a builder
     * @throws IllegalArgumentException when there is no URL, or one is not a {@code nats}, {@code tls},
     *                                  {@code ws} or {@code wss} URL (the message names it)
     */
    public static Builder builder(String servers) {
        return new Builder(servers);
    }

    /** {@return the NATS URLs, in the order given} */
    public List<String> servers() {
        return servers;
    }

    /** {@return the NATS credentials file, if one was set} */
    public Optional<Path> credentialsFile() {
        return credentialsFile;
    }

    /** {@return the user name, if user and password were set} */
    public Optional<String> user() {
        return user;
    }

    /** {@return the password, present exactly when {@link #user()} is} */
    public Optional<Secret> password() {
        return password;
    }

    /** {@return the authentication token, if one was set} */
    public Optional<Secret> token() {
        return token;
    }

    /** {@return the TLS context, if one was set (else the JDK's default for {@code tls://} servers)} */
    public Optional<SSLContext> sslContext() {
        return sslContext;
    }

    /** {@return the event stream's name} */
    public String stream() {
        return stream;
    }

    /** {@return the subject events are published on (derived from the stream's name when not set)} */
    public String subject() {
        return subject;
    }

    /** {@return the name of the durable consumer all replicas share} */
    public String consumer() {
        return consumer;
    }

    /** {@return the dead-letter stream's name: the event stream's name with {@code _DEAD_LETTERS}} */
    public String deadLetterStream() {
        return stream + "_DEAD_LETTERS";
    }

    /** {@return the dead-letter stream's subject: the event subject with {@code .dead-letters}} */
    public String deadLetterSubject() {
        return subject + ".dead-letters";
    }

    /** {@return the bound on the event stream; appends beyond it fail with a {@code SpoolFullException}} */
    public long maxBytes() {
        return maxBytes;
    }

    /** {@return the bound on the dead-letter stream} */
    public long deadLetterMaxBytes() {
        return deadLetterMaxBytes;
    }

    /** {@return the replicas of both streams, when the spool creates them} */
    public int replicas() {
        return replicas;
    }

    /** {@return how long a replica may hold an event without progress, when the spool creates the consumer} */
    public Duration ackWait() {
        return ackWait;
    }

    /** {@return the consumer's bound on events handed out and not yet acknowledged, when the spool creates it} */
    public int maxAckPending() {
        return maxAckPending;
    }

    /** {@return the window within which appends of the same event id are stored once, when the spool creates the stream} */
    public Duration duplicateWindow() {
        return duplicateWindow;
    }

    /** {@return how long connecting to a server may take} */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** {@return how long a publish or a management call may wait for JetStream's answer} */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** {@return the clock for the times of dead letters the spool makes} */
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

    /** Collects the settings; every setter checks its value at once, {@link #build()} what spans settings. */
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

        /**
         * Authenticates with a NATS credentials file (JWT and NKey seed), as {@code nsc} writes it.
         *
         * @param file the file; read when connecting
         * @return this builder
         * @throws IllegalArgumentException when it is not a readable file
         */
        public Builder credentialsFile(Path file) {
            Objects.requireNonNull(file, "credentialsFile");
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw new IllegalArgumentException("the NATS credentials file '" + file + "' is not a readable file");
            }
            this.credentialsFile = file;
            return this;
        }

        /**
         * Authenticates with a user name and password.
         *
         * @param user     the user name, not blank
         * @param password the password
         * @return this builder
         * @throws IllegalArgumentException when {@code user} is blank
         */
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

        /**
         * Authenticates with a token.
         *
         * @param token the token
         * @return this builder
         */
        public Builder token(Secret token) {
            this.token = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * TLS for {@code tls://} servers, or a server that requires it (trust store, client certificate).
         *
         * @param context the TLS context
         * @return this builder
         */
        public Builder sslContext(SSLContext context) {
            this.sslContext = Objects.requireNonNull(context, "sslContext");
            return this;
        }

        /**
         * The event stream's name; the dead-letter stream is named after it.
         *
         * @param name letters, digits, {@code -} and {@code _}, at most 64 ({@link #DEFAULT_STREAM} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code name} has other characters or is too long
         */
        public Builder stream(String name) {
            this.stream = matching("stream", name, NAME);
            return this;
        }

        /**
         * The subject events are published on. Default {@value #DEFAULT_SUBJECT}; with another stream
         * name, {@code marketing-connector.<stream in lower case>}.
         *
         * @param subject dot-separated tokens of letters, digits, {@code -} and {@code _}
         * @return this builder
         * @throws IllegalArgumentException when {@code subject} is not such tokens
         */
        public Builder subject(String subject) {
            this.subject = matching("subject", subject, SUBJECT);
            return this;
        }

        /**
         * The durable consumer all replicas share.
         *
         * @param name letters, digits, {@code -} and {@code _}, at most 64 ({@link #DEFAULT_CONSUMER} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code name} has other characters or is too long
         */
        public Builder consumer(String name) {
            this.consumer = matching("consumer", name, NAME);
            return this;
        }

        /**
         * Bound on the event stream; applied to an existing stream too.
         *
         * @param bytes the bound, at least 16 KiB ({@link #DEFAULT_MAX_BYTES} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is below 16 KiB
         */
        public Builder maxBytes(long bytes) {
            if (bytes < 16 * 1024) {
                throw new IllegalArgumentException("maxBytes must be at least 16 KiB, got " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        /**
         * Bound on the dead-letter stream; applied to an existing stream too.
         *
         * @param bytes the bound, at least 1 KiB ({@link #DEFAULT_DEAD_LETTER_MAX_BYTES} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code bytes} is below 1 KiB
         */
        public Builder deadLetterMaxBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("deadLetterMaxBytes must be at least 1 KiB, got " + bytes);
            }
            this.deadLetterMaxBytes = bytes;
            return this;
        }

        /**
         * Stream replicas in a NATS cluster, for both streams when the spool creates them.
         *
         * @param replicas 1 to 5 (1, 3 or 5 are usual)
         * @return this builder
         * @throws IllegalArgumentException when {@code replicas} is outside 1..5
         */
        public Builder replicas(int replicas) {
            if (replicas < 1 || replicas > 5) {
                throw new IllegalArgumentException("replicas must be 1..5, got " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /**
         * How long a replica may hold an event without progress before JetStream gives it to another;
         * set on the consumer when the spool creates it.
         *
         * @param wait at least 1 s ({@link #DEFAULT_ACK_WAIT} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code wait} is shorter than 1 s
         */
        public Builder ackWait(Duration wait) {
            this.ackWait = atLeast("ackWait", wait, Duration.ofSeconds(1));
            return this;
        }

        /**
         * Events the shared consumer hands out unacknowledged at most; set on the consumer when the
         * spool creates it.
         *
         * @param pending at least 1 ({@link #DEFAULT_MAX_ACK_PENDING} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code pending} is below 1
         */
        public Builder maxAckPending(int pending) {
            if (pending < 1) {
                throw new IllegalArgumentException("maxAckPending must be >= 1, got " + pending);
            }
            this.maxAckPending = pending;
            return this;
        }

        /**
         * Appends of the same event id within this window are stored once; set on the stream when the
         * spool creates it.
         *
         * @param window at least 100 ms ({@link #DEFAULT_DUPLICATE_WINDOW} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code window} is shorter than 100 ms
         */
        public Builder duplicateWindow(Duration window) {
            this.duplicateWindow = atLeast("duplicateWindow", window, Duration.ofMillis(100));
            return this;
        }

        /**
         * How long connecting to a server may take.
         *
         * @param timeout at least 100 ms ({@link #DEFAULT_CONNECT_TIMEOUT} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is shorter than 100 ms
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = atLeast("connectTimeout", timeout, Duration.ofMillis(100));
            return this;
        }

        /**
         * How long a publish or a management call may wait for JetStream's answer.
         *
         * @param timeout at least 100 ms ({@link #DEFAULT_REQUEST_TIMEOUT} when not set)
         * @return this builder
         * @throws IllegalArgumentException when {@code timeout} is shorter than 100 ms
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = atLeast("requestTimeout", timeout, Duration.ofMillis(100));
            return this;
        }

        /**
         * The clock for the times of dead letters the spool makes.
         *
         * @param clock the clock; the system UTC clock by default
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Checks what spans settings.
         *
         * @return the settings
         * @throws IllegalStateException when more than one kind of credential was set
         */
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
