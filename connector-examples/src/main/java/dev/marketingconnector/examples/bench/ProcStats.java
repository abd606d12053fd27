package dev.marketingconnector.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What Linux tells about a process in {@code /proc}: CPU time ({@code stat} utime + stime, in clock
 * ticks of {@code getconf CLK_TCK}) and memory ({@code status} VmRSS, VmHWM). The peak (VmHWM) can be
 * reset through {@code clear_refs} so that each round reports its own peak.
 */
final class ProcStats {

    private static final long DEFAULT_CLK_TCK = 100;
    private static volatile long clockTicks;

    private ProcStats() {
    }

    static boolean supported() {
        return Files.isReadable(Path.of("/proc/self/stat"));
    }

    /** Clock ticks per second, from {@code getconf CLK_TCK} (100 when it cannot be asked). */
    static long clockTicksPerSecond() {
        long ticks = clockTicks;
        if (ticks == 0) {
            ticks = DEFAULT_CLK_TCK;
            try {
                Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0 && out.matches("\\d+")) {
                    ticks = Long.parseLong(out);
                }
            } catch (IOException e) {
                // keep the default
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            clockTicks = ticks;
        }
        return ticks;
    }

    /** User plus system CPU time of the whole process (all threads), in milliseconds; -1 when unknown. */
    static double cpuMillis(long pid) {
        Cpu cpu = cpu(pid);
        return cpu == null ? -1 : cpu.totalMillis();
    }

    /** CPU time of a process split into user and system (kernel) time. */
    record Cpu(double userMillis, double systemMillis) {

        double totalMillis() {
            return userMillis + systemMillis;
        }

        Cpu minus(Cpu earlier) {
            return new Cpu(userMillis - earlier.userMillis, systemMillis - earlier.systemMillis);
        }
    }

    /** utime and stime of the whole process (all threads); null when unknown. */
    static Cpu cpu(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            // The command name (field 2) is in parentheses and may hold spaces: count from the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double tick = 1000.0 / clockTicksPerSecond();
            return new Cpu(Long.parseLong(fields[11]) * tick, Long.parseLong(fields[12]) * tick);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * CPU time (user + system, ms) per group of threads: the thread name as the kernel knows it (at
     * most 15 characters) without its running number, e.g. {@code mqtt-bridge-io-}, {@code C2 CompilerThre}.
     */
    static java.util.Map<String, Double> cpuByThreadGroup(long pid) {
        java.util.Map<String, Double> groups = new java.util.TreeMap<>();
        double tick = 1000.0 / clockTicksPerSecond();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double ms = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * tick;
                    groups.merge(name.replaceAll("[#\\d]+$", "").replaceAll("-\\d+-$", "-"), ms, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return java.util.Map.of();
        }
        return groups;
    }

    /** {@code after - before} per group, largest first, as "name 41 %" over the total of the deltas. */
    static String describeDelta(java.util.Map<String, Double> before, java.util.Map<String, Double> after, int top) {
        java.util.Map<String, Double> delta = new java.util.HashMap<>();
        after.forEach((name, ms) -> delta.put(name, ms - before.getOrDefault(name, 0.0)));
        double total = delta.values().stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).sum();
        if (total <= 0) {
            return "(no CPU)";
        }
        return delta.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(top)
                .map(e -> String.format("%s %.0f %%", e.getKey().strip(), 100 * e.getValue() / total))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** Context switches (voluntary and involuntary) of the live threads of a process; -1 when unknown. */
    static long contextSwitches(long pid) {
        long total = 0;
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String line : Files.readAllLines(task.resolve("status"), StandardCharsets.US_ASCII)) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            total += Long.parseLong(line.substring(line.indexOf(':') + 1).strip());
                        }
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
            return total;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The environment a process was started with ({@code /proc/<pid>/environ}); empty when unreadable. */
    static java.util.Map<String, String> environment(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            java.util.Map<String, String> env = new java.util.TreeMap<>();
            for (String entry : new String(raw, StandardCharsets.UTF_8).split("\u0000")) {
                int eq = entry.indexOf('=');
                if (eq > 0) {
                    env.put(entry.substring(0, eq), entry.substring(eq + 1));
                }
            }
            return env;
        } catch (IOException | RuntimeException e) {
            return java.util.Map.of();
        }
    }

    /** Resident set size now, in KiB; -1 when unknown. */
    static long rssKib(long pid) {
        return statusField(pid, "VmRSS:");
    }

    /** Peak resident set size (since start or the last {@link #resetPeak}), in KiB; -1 when unknown. */
    static long peakRssKib(long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** Resets VmHWM to the current RSS ({@code echo 5 > /proc/<pid>/clear_refs}); false when not allowed. */
    static boolean resetPeak(long pid) {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5", StandardCharsets.US_ASCII);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static long statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
