package dev.marketingconnector.kyma.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** Reads one item per id, at most {@code parallelism} at once; the results by id, in the ids' order. */
final class BoundedReads {

    private static final AtomicInteger POOLS = new AtomicInteger();

    private BoundedReads() {
    }

    /**
     * @param reader the item of an id, or empty when there is none; an exception it throws ends the whole
     *               read (the other reads are cancelled) and is rethrown here
     */
    static <T> Map<String, T> read(Collection<String> ids, int parallelism, String name, Function<String, Optional<T>> reader) {
        List<String> distinct = ids.stream().distinct().toList();
        Map<String, T> results = new LinkedHashMap<>();
        if (distinct.size() <= 1 || parallelism <= 1) {
            distinct.forEach(id -> reader.apply(id).ifPresent(item -> results.put(id, item)));
            return results;
        }
        String prefix = name + "-" + POOLS.incrementAndGet() + "-";
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, distinct.size()), task -> {
            Thread thread = new Thread(task, prefix + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Optional<T>>> futures = new ArrayList<>();
            distinct.forEach(id -> futures.add(pool.submit(() -> reader.apply(id))));
            for (int i = 0; i < distinct.size(); i++) {
                try {
                    Optional<T> item = futures.get(i).get();
                    String id = distinct.get(i);
                    item.ifPresent(value -> results.put(id, value));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (e.getCause() instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading " + name, e);
        } finally {
            pool.shutdownNow();
        }
    }
}
