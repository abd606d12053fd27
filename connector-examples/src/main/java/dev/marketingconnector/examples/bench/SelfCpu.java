package dev.marketingconnector.examples.bench;

import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM (load generator, ceiling client, sink) over a run, split by thread group so
 * that the load generator's own cost per event is known: it shares the machine's cores with the
 * bridge, and a costly generator would starve what it measures.
 */
final class SelfCpu {

    /** The sink's threads (see {@link EventSink}). */
    static final String SINK_THREADS = "bench-sink";

    private final long pid;
    private final ProcStats.Cpu cpu;
    private final Map<String, Double> threads;

    private SelfCpu(long pid, ProcStats.Cpu cpu, Map<String, Double> threads) {
        this.pid = pid;
        this.cpu = cpu;
        this.threads = threads;
    }

    static SelfCpu start() {
        long pid = ProcessHandle.current().pid();
        return new SelfCpu(pid, ProcStats.cpu(pid), ProcStats.cpuByThreadGroup(pid));
    }

    /**
     * CPU per event since {@link #start}: all of this JVM, the threads whose names start with one of
     * {@code loadPrefixes} (the load generator), and the sink's.
     */
    Split stop(int events, List<String> loadPrefixes) {
        ProcStats.Cpu now = ProcStats.cpu(pid);
        Map<String, Double> after = ProcStats.cpuByThreadGroup(pid);
        if (cpu == null || now == null || events <= 0) {
            return new Split(-1, -1, -1, "CPU unknown");
        }
        double load = 0;
        double sink = 0;
        for (Map.Entry<String, Double> entry : after.entrySet()) {
            double delta = entry.getValue() - threads.getOrDefault(entry.getKey(), 0.0);
            String name = entry.getKey().strip();
            if (name.startsWith(SINK_THREADS)) {
                sink += delta;
            } else if (loadPrefixes.stream().anyMatch(name::startsWith)) {
                load += delta;
            }
        }
        return new Split(now.minus(cpu).totalMillis() / events, load / events, sink / events, ProcStats.describeDelta(threads, after, 5));
    }

    /**
     * @param totalMillisPerEvent this JVM, everything (JIT and GC included)
     * @param loadMillisPerEvent  the load generator's (or ceiling client's) threads
     * @param sinkMillisPerEvent  the sink's threads
     * @param byThread            the largest thread groups
     */
    record Split(double totalMillisPerEvent, double loadMillisPerEvent, double sinkMillisPerEvent, String byThread) {

        String describe(String loadName) {
            if (totalMillisPerEvent < 0) {
                return byThread;
            }
            return String.format("CPU %.3f ms/event (%s %.3f, sink %.3f); %s", totalMillisPerEvent, loadName, loadMillisPerEvent,
                    sinkMillisPerEvent, byThread);
        }
    }
}
