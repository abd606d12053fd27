package dev.marketingconnector.kyma.registry;

import dev.marketingconnector.core.registry.RegistryException;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registries' retry (resilience4j): an attempt that throws {@link TransientFailure} is tried again
 * after an exponential, jittered wait or the server's {@code Retry-After}; any other exception ends the
 * call. When the attempts are spent, the last failure's {@link RegistryException} is thrown, saying so.
 */
final class RegistryRetry {

    /** Statuses that may succeed when tried again; any other non-2xx is permanent. */
    static final Set<Integer> TRANSIENT_STATUSES = Set.of(429, 500, 502, 503, 504);

    private static final Logger LOG = LoggerFactory.getLogger(RegistryRetry.class);

    /**
     * One attempt failed in a way that may pass.
     *
     * @param outcomeUnknown true when the request may have taken effect (it was sent, and no answer
     *                       says it did not): a create must look before it creates again
     */
    static final class TransientFailure extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final transient RegistryException failure;
        private final transient Optional<Duration> retryAfter;
        private final boolean outcomeUnknown;

        TransientFailure(RegistryException failure, Optional<Duration> retryAfter, boolean outcomeUnknown) {
            super(failure.getMessage(), failure, false, false);
            this.failure = failure;
            this.retryAfter = retryAfter;
            this.outcomeUnknown = outcomeUnknown;
        }

        RegistryException failure() {
            return failure;
        }

        boolean outcomeUnknown() {
            return outcomeUnknown;
        }
    }

    private final Retry retry;
    private final int maxAttempts;

    RegistryRetry(String name, RegistryRetryConfig config) {
        this.maxAttempts = config.maxAttempts();
        IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(config.initialBackoff(), config.backoffMultiplier(),
                config.jitter(), config.maxBackoff());
        long maxRetryAfter = config.maxRetryAfter().toMillis();
        IntervalBiFunction<Object> interval = (attempt, outcome) -> {
            if (outcome.isLeft() && outcome.getLeft() instanceof TransientFailure failure && failure.retryAfter.isPresent()) {
                return Math.min(failure.retryAfter.get().toMillis(), maxRetryAfter);
            }
            return backoff.apply(attempt);
        };
        this.retry = Retry.of(name, RetryConfig.custom()
                .maxAttempts(config.maxAttempts())
                .intervalBiFunction(interval)
                .retryOnException(e -> e instanceof TransientFailure)
                .build());
        retry.getEventPublisher().onRetry(event -> LOG.debug("Retrying a registry call (attempt {} failed: {}), waiting {} ms",
                event.getNumberOfRetryAttempts(), event.getLastThrowable() == null ? "?" : event.getLastThrowable().getMessage(),
                event.getWaitInterval().toMillis()));
    }

    /** Runs the attempts; the result of the first that succeeds. */
    <T> T call(Supplier<T> attempt) {
        AtomicInteger attempts = new AtomicInteger();
        try {
            return Retry.decorateSupplier(retry, () -> {
                attempts.incrementAndGet();
                return attempt.get();
            }).get();
        } catch (TransientFailure spent) {
            RegistryException last = spent.failure();
            if (attempts.get() <= 1) {
                throw last;
            }
            throw new RegistryException(last.endpoint(), last.status(), stripEndpoint(last) + " (" + attempts.get() + " attempts)",
                    last.getCause());
        }
    }

    int maxAttempts() {
        return maxAttempts;
    }

    /** The resilience4j instance, for its events and metrics. */
    Retry retry() {
        return retry;
    }

    /** A {@code Retry-After} value (delta-seconds or an HTTP-date) as a wait. */
    static Optional<Duration> retryAfter(Optional<String> header, Clock clock) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        try {
            long seconds = Long.parseLong(value);
            return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
        } catch (NumberFormatException notSeconds) {
            try {
                Duration wait = Duration.between(clock.instant(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }

    /** The message without the " (endpoint, HTTP n)" tail RegistryException adds, so it is not repeated. */
    private static String stripEndpoint(RegistryException e) {
        String message = String.valueOf(e.getMessage());
        String tail = " (" + e.endpoint() + (e.status() > 0 ? ", HTTP " + e.status() : "") + ")";
        return message.endsWith(tail) ? message.substring(0, message.length() - tail.length()) : message;
    }
}
