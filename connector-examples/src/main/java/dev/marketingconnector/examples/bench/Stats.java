package dev.marketingconnector.examples.bench;

import java.util.Arrays;
import java.util.List;

/** Small statistics over measured samples: percentiles, medians, a least-squares slope. */
final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile of already sorted values; 0 for none. */
    static long percentile(long[] sorted, double percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    static long[] sortedPositive(long[] values) {
        return Arrays.stream(values).filter(v -> v > 0).sorted().toArray();
    }

    /** Least-squares slope of y over x; 0 with fewer than two points. */
    static double slope(double[] x, double[] y) {
        int n = x.length;
        if (n < 2) {
            return 0;
        }
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? 0 : num / den;
    }

    static double millis(long nanos) {
        return nanos / 1_000_000.0;
    }

    /** {@code 5s}, {@code 250ms}, {@code 10m}: the shortest exact form. */
    static String duration(java.time.Duration d) {
        long millis = d.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + " min";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + " s";
        }
        return millis + " ms";
    }

    static double mib(long kib) {
        return kib / 1024.0;
    }
}
