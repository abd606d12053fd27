package dev.marketingconnector.examples.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Condenses a JFR recording into what a reader needs to find a bottleneck: the CPU samples
 * ({@code jdk.ExecutionSample}) as the hottest methods by own samples, the connector's own methods
 * including what they call, packages and threads; and how many threads were started, and by whom
 * (a thread per event is a bottleneck of its own).
 */
final class JfrSummary {

    private static final String OWN_CODE = "dev.marketingconnector.";

    private int samples;
    private int threadStarts;
    private final Map<String, Integer> selfByMethod = new HashMap<>();
    private final Map<String, Integer> ownCodeInclusive = new HashMap<>();
    private final Map<String, Integer> totalByPackage = new HashMap<>();
    private final Map<String, Integer> byThread = new HashMap<>();
    private final Map<String, Integer> threadStarters = new HashMap<>();

    private JfrSummary() {
    }

    static JfrSummary read(Path recording) throws IOException {
        JfrSummary summary = new JfrSummary();
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                switch (event.getEventType().getName()) {
                    case "jdk.ExecutionSample" -> summary.sample(event);
                    case "jdk.ThreadStart" -> summary.threadStart(event);
                    default -> {
                        // not summarised
                    }
                }
            }
        }
        return summary;
    }

    private void sample(RecordedEvent sample) {
        samples++;
        RecordedThread thread = sample.getThread("sampledThread");
        byThread.merge(threadGroup(thread == null ? "?" : thread.getJavaName()), 1, Integer::sum);
        RecordedStackTrace stack = sample.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
            return;
        }
        selfByMethod.merge(name(stack.getFrames().get(0).getMethod()), 1, Integer::sum);
        Set<String> packages = new HashSet<>();
        Set<String> own = new HashSet<>();
        for (RecordedFrame frame : stack.getFrames()) {
            packages.add(packageGroup(frame.getMethod()));
            String method = name(frame.getMethod());
            if (method.startsWith(OWN_CODE)) {
                own.add(method);
            }
        }
        packages.forEach(p -> totalByPackage.merge(p, 1, Integer::sum));
        own.forEach(m -> ownCodeInclusive.merge(m, 1, Integer::sum));
    }

    private void threadStart(RecordedEvent start) {
        threadStarts++;
        RecordedStackTrace stack = start.getStackTrace();
        if (stack == null) {
            return;
        }
        // The first frame that is not Thread.start or an executor's own plumbing names who wanted the thread.
        for (RecordedFrame frame : stack.getFrames()) {
            String method = name(frame.getMethod());
            if (!method.startsWith("java.lang.Thread.") && !method.contains("ThreadPoolExecutor.") && !method.contains("ThreadFactory")) {
                threadStarters.merge(method, 1, Integer::sum);
                return;
            }
        }
    }

    int samples() {
        return samples;
    }

    /** Whether the CPU samples came with their stacks (a recording read before it was complete may lack them). */
    boolean hasStacks() {
        return !selfByMethod.isEmpty();
    }

    int threadStarts() {
        return threadStarts;
    }

    void print(PrintStream out, int top) {
        out.printf("JFR: %,d CPU samples, %,d threads started%n", samples, threadStarts);
        if (threadStarts > 0) {
            section(out, "who started threads", threadStarters, threadStarts, 5);
        }
        if (samples == 0) {
            return;
        }
        section(out, "hottest methods (own samples)", selfByMethod, samples, top);
        section(out, "connector code (samples with the method anywhere on the stack)", ownCodeInclusive, samples, top);
        section(out, "packages (samples with the package anywhere on the stack)", totalByPackage, samples, top);
        section(out, "threads", byThread, samples, top);
    }

    private static void section(PrintStream out, String title, Map<String, Integer> counts, int total, int top) {
        out.println("  " + title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.printf("    %5.1f %%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    private static String name(RecordedMethod method) {
        if (method == null) {
            return "?";
        }
        String type = method.getType() == null ? "?" : method.getType().getName();
        return type + "." + method.getName();
    }

    /** The first three segments of the package ({@code io.netty.handler}, {@code dev.marketingconnector.mqtt}). */
    private static String packageGroup(RecordedMethod method) {
        if (method == null || method.getType() == null) {
            return "?";
        }
        String[] parts = method.getType().getName().split("\\.");
        int segments = Math.min(3, parts.length - 1);
        return segments <= 0 ? method.getType().getName() : String.join(".", List.of(parts).subList(0, segments));
    }

    /** Thread names without their running number ({@code mqtt-bridge-io-3-1} → {@code mqtt-bridge-io}). */
    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("[-#]?\\d+(-\\d+)*$", "");
    }
}
