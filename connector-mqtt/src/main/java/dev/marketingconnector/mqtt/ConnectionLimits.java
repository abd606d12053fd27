package dev.marketingconnector.mqtt;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Open connections overall and per source address, bounded. Thread-safe. */
final class ConnectionLimits {

    private final int max;
    private final int maxPerAddress;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    ConnectionLimits(int max, int maxPerAddress) {
        this.max = max;
        this.maxPerAddress = Math.min(max, maxPerAddress);
    }

    /**
     * Takes a place for a connection from {@code remote}; the caller must {@link #release} it once
     * the connection closes.
     *
     * @return null when admitted, else which limit was reached (fixed text)
     */
    String admit(SocketAddress remote) {
        InetAddress address = address(remote);
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return "the bridge's limit of " + max + " open connections";
        }
        if (address == null) {
            return null;
        }
        boolean[] admitted = {false};
        perAddress.compute(address, (a, count) -> {
            int current = count == null ? 0 : count;
            if (current >= maxPerAddress) {
                return count;
            }
            admitted[0] = true;
            return current + 1;
        });
        if (!admitted[0]) {
            open.decrementAndGet();
            return "the limit of " + maxPerAddress + " open connections per address";
        }
        return null;
    }

    /** Gives back the place of an admitted connection. */
    void release(SocketAddress remote) {
        open.decrementAndGet();
        InetAddress address = address(remote);
        if (address != null) {
            perAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
        }
    }

    int open() {
        return open.get();
    }

    private static InetAddress address(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
