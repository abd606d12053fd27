package dev.marketingconnector.mqtt;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bridge-wide bound on messages being forwarded. A connection that finds no room parks itself
 * here and stops reading its socket; a released slot wakes the next parked connection.
 */
final class FlowControl {

    /** A connection waiting for room. */
    interface Waiter {
        /** Called from any thread when a slot was freed; the waiter hops to its own thread. */
        void roomAvailable();
    }

    private final int max;
    private final AtomicInteger used = new AtomicInteger();
    private final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();

    FlowControl(int max) {
        this.max = max;
    }

    boolean tryAcquire() {
        while (true) {
            int current = used.get();
            if (current >= max) {
                return false;
            }
            if (used.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    void release() {
        used.decrementAndGet();
        signal();
    }

    boolean hasRoom() {
        return used.get() < max;
    }

    int inFlight() {
        return used.get();
    }

    /** Parks a waiter; if room appeared meanwhile, wakes one at once so no wake-up is lost. */
    void park(Waiter waiter) {
        waiters.add(waiter);
        if (hasRoom()) {
            signal();
        }
    }

    /** Wakes the next parked waiter if there is room; a waiter that does not need the room passes it on. */
    void signal() {
        if (!hasRoom()) {
            return;
        }
        Waiter next = waiters.poll();
        if (next != null) {
            next.roomAvailable();
        }
    }
}
