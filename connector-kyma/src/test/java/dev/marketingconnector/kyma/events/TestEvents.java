package dev.marketingconnector.kyma.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventTypeMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Events, a clock the test moves, and a scheduler that records the delays it is asked for and runs at once. */
final class TestEvents {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String APP = "mkt-test";

    private TestEvents() {
    }

    static BusinessEvent event(int n) {
        ObjectNode data = JSON.createObjectNode();
        data.putArray("KEY").addObject().put("PERMISSION", "P-" + n);
        data.put("n", n);
        return new BusinessEvent(UUID.nameUUIDFromBytes(("event-" + n).getBytes(StandardCharsets.UTF_8)),
                EventTypeMapper.map("BO.MarketingPermission.Changed"), OffsetDateTime.parse("2024-05-01T10:15:30.250+02:00"), data);
    }

    static final class MutableClock extends Clock {

        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(java.time.Duration by) {
            now.updateAndGet(i -> i.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    static final class RecordingScheduler extends ScheduledThreadPoolExecutor {

        final List<Long> requestedDelaysMillis = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            requestedDelaysMillis.add(unit.toMillis(delay));
            return super.schedule(command, 0, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            requestedDelaysMillis.add(unit.toMillis(delay));
            return super.schedule(callable, 0, unit);
        }
    }
}
