package dev.marketingconnector.examples.bench;

import dev.marketingconnector.core.config.Secret;
import java.net.URI;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * A bridge the benchmarks drive as a child process: the connector's own {@code bridge}
 * ({@link BridgeProcess}) or the seed's Node.js bridge ({@link SeedBridgeProcess}). Its CPU time and
 * memory come from {@code /proc/<pid>}.
 */
interface BridgeUnderTest extends AutoCloseable {

    /** What the tables call it, e.g. {@code bridge} or {@code seed (Node.js)}. */
    String label();

    long pid();

    /** {@code http://127.0.0.1:<port>}: the WebSocket endpoint is {@code /mqtt} there. */
    URI baseUri();

    /** A bearer token the bridge accepts on the WebSocket upgrade. */
    Secret token();

    boolean isAlive();

    Path log();

    String logTail(int lines);

    /** A counter of the bridge's Prometheus metrics (summed over its series); empty when it has none. */
    OptionalDouble counter(String name);

    /** Stops it gracefully (SIGTERM), forcibly when it does not exit in time; returns its exit code. */
    int stop() throws InterruptedException;

    @Override
    void close();

    default ProcStats.Cpu cpu() {
        return ProcStats.cpu(pid());
    }

    default long contextSwitches() {
        return ProcStats.contextSwitches(pid());
    }

    default long rssKib() {
        return ProcStats.rssKib(pid());
    }

    default long peakRssKib() {
        return ProcStats.peakRssKib(pid());
    }

    default boolean resetPeak() {
        return ProcStats.resetPeak(pid());
    }
}
