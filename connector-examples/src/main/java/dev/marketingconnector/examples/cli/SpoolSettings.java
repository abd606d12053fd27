package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.config.ConfigurationProblem;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.disk.DiskEventSpool;
import dev.marketingconnector.disk.DiskSpoolConfig;
import dev.marketingconnector.kyma.transport.TlsConfig;
import dev.marketingconnector.nats.JetStreamEventSpool;
import dev.marketingconnector.nats.JetStreamSpoolConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The spool settings ({@code SPOOL}, {@code SPOOL_DIR}, {@code SPOOL_MAX_BYTES}, {@code NATS_*}),
 * checked together with the others; problems name the setting, never a secret.
 */
final class SpoolSettings {

    enum Mode {
        NONE("none"),
        DISK("disk"),
        JETSTREAM("jetstream");

        final String value;

        Mode(String value) {
            this.value = value;
        }
    }

    static final long DEFAULT_MAX_BYTES = 1L << 30;
    static final long DEFAULT_DEAD_LETTER_MAX_BYTES = 64L << 20;
    static final int DEFAULT_DEAD_LETTERS_KEPT = 100;

    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

    final Mode mode;
    final Optional<DiskSpoolConfig> disk;
    final Optional<JetStreamSpoolConfig> jetStream;
    final long deadLetterMaxBytes;
    final int deadLettersKept;

    private SpoolSettings(Mode mode, Optional<DiskSpoolConfig> disk, Optional<JetStreamSpoolConfig> jetStream, long deadLetterMaxBytes,
            int deadLettersKept) {
        this.mode = mode;
        this.disk = disk;
        this.jetStream = jetStream;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
        this.deadLettersKept = deadLettersKept;
    }

    static SpoolSettings none() {
        return new SpoolSettings(Mode.NONE, Optional.empty(), Optional.empty(), DEFAULT_DEAD_LETTER_MAX_BYTES, DEFAULT_DEAD_LETTERS_KEPT);
    }

    static SpoolSettings from(Settings settings, List<ConfigurationProblem> problems) {
        String value = settings.get(Settings.SPOOL).orElse(Mode.NONE.value).toLowerCase(Locale.ROOT);
        Mode mode = null;
        for (Mode candidate : Mode.values()) {
            if (candidate.value.equals(value)) {
                mode = candidate;
            }
        }
        if (mode == null) {
            problems.add(new ConfigurationProblem(Settings.SPOOL, "'" + value + "' is none of 'none', 'disk', 'jetstream'"));
            mode = Mode.NONE;
        }
        long maxBytes = size(settings, Settings.SPOOL_MAX_BYTES, DEFAULT_MAX_BYTES, 16 * 1024, problems);
        long deadLetterMaxBytes = size(settings, Settings.SPOOL_DEAD_LETTER_MAX_BYTES, DEFAULT_DEAD_LETTER_MAX_BYTES, 1024, problems);
        int kept = DEFAULT_DEAD_LETTERS_KEPT;
        Optional<String> keptValue = settings.get(Settings.DEAD_LETTERS_KEPT);
        if (keptValue.isPresent()) {
            try {
                kept = Integer.parseInt(keptValue.get());
                if (kept < 1 || kept > 100_000) {
                    problems.add(new ConfigurationProblem(Settings.DEAD_LETTERS_KEPT, "'" + keptValue.get() + "' is not 1..100000"));
                }
            } catch (NumberFormatException e) {
                problems.add(new ConfigurationProblem(Settings.DEAD_LETTERS_KEPT, "'" + keptValue.get() + "' is not a number"));
            }
        }
        Optional<DiskSpoolConfig> disk = Optional.empty();
        Optional<JetStreamSpoolConfig> jetStream = Optional.empty();
        if (mode == Mode.DISK) {
            Optional<String> dir = settings.get(Settings.SPOOL_DIR);
            if (dir.isEmpty()) {
                problems.add(new ConfigurationProblem(Settings.SPOOL_DIR, "required with SPOOL=disk: a directory on a persistent volume,"
                        + " one per bridge"));
            } else {
                try {
                    disk = Optional.of(DiskSpoolConfig.builder(Path.of(dir.get())).maxBytes(maxBytes)
                            .deadLetterMaxBytes(deadLetterMaxBytes).build());
                } catch (RuntimeException e) {
                    problems.add(new ConfigurationProblem(Settings.SPOOL_DIR, "'" + dir.get() + "': " + e.getMessage()));
                }
            }
        } else if (mode == Mode.JETSTREAM) {
            jetStream = jetStream(settings, maxBytes, deadLetterMaxBytes, problems);
        }
        return new SpoolSettings(mode, disk, jetStream, deadLetterMaxBytes, kept);
    }

    private static Optional<JetStreamSpoolConfig> jetStream(Settings settings, long maxBytes, long deadLetterMaxBytes,
            List<ConfigurationProblem> problems) {
        Optional<String> url = settings.get(Settings.NATS_URL);
        if (url.isEmpty()) {
            problems.add(new ConfigurationProblem(Settings.NATS_URL, "required with SPOOL=jetstream, e.g. nats://nats.example:4222"));
            return Optional.empty();
        }
        JetStreamSpoolConfig.Builder builder;
        try {
            builder = JetStreamSpoolConfig.builder(url.get());
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigurationProblem(Settings.NATS_URL, e.getMessage()));
            return Optional.empty();
        }
        int before = problems.size();
        apply(problems, Settings.SPOOL_MAX_BYTES, () -> builder.maxBytes(maxBytes));
        apply(problems, Settings.SPOOL_DEAD_LETTER_MAX_BYTES, () -> builder.deadLetterMaxBytes(deadLetterMaxBytes));
        settings.get(Settings.NATS_STREAM).ifPresent(v -> apply(problems, Settings.NATS_STREAM, () -> builder.stream(v)));
        settings.get(Settings.NATS_SUBJECT).ifPresent(v -> apply(problems, Settings.NATS_SUBJECT, () -> builder.subject(v)));
        settings.get(Settings.NATS_CONSUMER).ifPresent(v -> apply(problems, Settings.NATS_CONSUMER, () -> builder.consumer(v)));
        settings.get(Settings.NATS_REPLICAS).ifPresent(v -> apply(problems, Settings.NATS_REPLICAS, () -> builder.replicas(Integer.parseInt(v))));
        settings.get(Settings.NATS_ACK_WAIT).ifPresent(v -> apply(problems, Settings.NATS_ACK_WAIT, () -> builder.ackWait(duration(v))));
        settings.get(Settings.NATS_CREDENTIALS).ifPresent(v -> apply(problems, Settings.NATS_CREDENTIALS,
                () -> builder.credentialsFile(Path.of(v))));
        Optional<String> user = settings.get(Settings.NATS_USER);
        Optional<String> password = settings.get(Settings.NATS_PASSWORD);
        if (user.isPresent() != password.isPresent()) {
            problems.add(new ConfigurationProblem(user.isPresent() ? Settings.NATS_PASSWORD : Settings.NATS_USER,
                    "NATS_USER and NATS_PASSWORD go together"));
        } else if (user.isPresent()) {
            apply(problems, Settings.NATS_USER, () -> builder.userInfo(user.get(), Secret.of(password.get())));
        }
        settings.get(Settings.NATS_TOKEN).ifPresent(v -> builder.token(Secret.of(v)));
        natsTls(settings, problems).ifPresent(builder::sslContext);
        if (problems.size() > before) {
            return Optional.empty();
        }
        try {
            return Optional.of(builder.build());
        } catch (IllegalStateException e) {
            problems.add(new ConfigurationProblem(Settings.NATS_CREDENTIALS, "set one of NATS_CREDENTIALS, NATS_USER/NATS_PASSWORD"
                    + " or NATS_TOKEN, not several"));
            return Optional.empty();
        }
    }

    private static Optional<javax.net.ssl.SSLContext> natsTls(Settings settings, List<ConfigurationProblem> problems) {
        Optional<String> trust = settings.get(Settings.NATS_TRUST_STORE);
        Optional<String> key = settings.get(Settings.NATS_KEY_STORE);
        if (trust.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        TlsConfig.Builder tls = TlsConfig.builder();
        int before = problems.size();
        trust.ifPresent(path -> store(settings, Settings.NATS_TRUST_STORE, Settings.NATS_TRUST_STORE_PASSWORD, path, problems,
                (p, s) -> tls.trustStore(p, s)));
        key.ifPresent(path -> store(settings, Settings.NATS_KEY_STORE, Settings.NATS_KEY_STORE_PASSWORD, path, problems,
                (p, s) -> tls.keyStore(p, s)));
        if (problems.size() > before) {
            return Optional.empty();
        }
        try {
            return Optional.of(tls.build().sslContext());
        } catch (RuntimeException e) {
            problems.add(new ConfigurationProblem(key.isPresent() ? Settings.NATS_KEY_STORE : Settings.NATS_TRUST_STORE,
                    "cannot be loaded (wrong password or not PKCS #12?)"));
            return Optional.empty();
        }
    }

    private static void store(Settings settings, String pathSetting, String passwordSetting, String path, List<ConfigurationProblem> problems,
            java.util.function.BiConsumer<Path, Secret> apply) {
        Optional<String> password = settings.get(passwordSetting);
        if (password.isEmpty()) {
            problems.add(new ConfigurationProblem(passwordSetting, "missing: " + pathSetting + " needs its password"));
            return;
        }
        try {
            apply.accept(Path.of(path), Secret.of(password.get()));
        } catch (RuntimeException e) {
            problems.add(new ConfigurationProblem(pathSetting, "cannot read '" + path + "'"));
        }
    }

    private static void apply(List<ConfigurationProblem> problems, String setting, Runnable step) {
        try {
            step.run();
        } catch (NumberFormatException e) {
            problems.add(new ConfigurationProblem(setting, "is not a number"));
        } catch (IllegalArgumentException e) {
            problems.add(new ConfigurationProblem(setting, e.getMessage()));
        }
    }

    /** {@code 1073741824}, {@code 512m}, {@code 2g}, {@code 64MiB}: binary units. */
    static long size(Settings settings, String setting, long defaultValue, long min, List<ConfigurationProblem> problems) {
        Optional<String> raw = settings.get(setting);
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Matcher m = SIZE.matcher(raw.get().strip());
        if (!m.matches()) {
            problems.add(new ConfigurationProblem(setting, "'" + raw.get() + "' is not a size such as 1073741824, 512m or 2g"));
            return defaultValue;
        }
        try {
            long number = Long.parseLong(m.group(1));
            String unit = m.group(2).toLowerCase(Locale.ROOT);
            int shift = unit.isEmpty() || unit.equals("b") ? 0 : switch (unit.charAt(0)) {
                case 'k' -> 10;
                case 'm' -> 20;
                case 'g' -> 30;
                default -> 40;
            };
            long bytes = Math.multiplyExact(number, 1L << shift);
            if (bytes < min) {
                problems.add(new ConfigurationProblem(setting, "'" + raw.get() + "' is below the minimum of " + min + " bytes"));
                return defaultValue;
            }
            return bytes;
        } catch (ArithmeticException | NumberFormatException e) {
            problems.add(new ConfigurationProblem(setting, "'" + raw.get() + "' is too large"));
            return defaultValue;
        }
    }

    /** {@code 30s}, {@code 2m}, {@code 500ms}, {@code 1h} or ISO-8601 ({@code PT30S}). */
    static Duration duration(String raw) {
        Matcher m = DURATION.matcher(raw.strip());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(raw.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a duration such as 30s, 2m or PT30S");
        }
    }

    /** Opens the configured spool (none: empty). @throws dev.marketingconnector.core.spool.SpoolException when it cannot */
    Optional<EventSpool> open() {
        return switch (mode) {
            case NONE -> Optional.empty();
            case DISK -> Optional.of(DiskEventSpool.open(disk.orElseThrow()));
            case JETSTREAM -> Optional.of(JetStreamEventSpool.connect(jetStream.orElseThrow()));
        };
    }
}
