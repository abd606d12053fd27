package dev.marketingconnector.disk;

import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.EventSpoolContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class DiskEventSpoolContractTest extends EventSpoolContract {

    @TempDir
    Path directory;

    @Override
    protected EventSpool open(long maxBytes, long deadLetterMaxBytes) {
        return DiskEventSpool.open(DiskSpoolConfig.builder(directory)
                .maxBytes(maxBytes)
                .deadLetterMaxBytes(deadLetterMaxBytes)
                .segmentBytes(16 * 1024)
                .minFreeBytes(0)
                .build());
    }
}
