package dev.marketingconnector.disk;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

final class Directories {

    private Directories() {
    }

    /** Makes created, renamed and deleted entries of the directory durable (a no-op where directories cannot be opened). */
    static void sync(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
                throw e;
            }
        }
    }

    /** Whether an I/O error says the disk (or the quota) is full. */
    static boolean isNoSpace(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null) {
                String m = message.toLowerCase(Locale.ROOT);
                if (m.contains("no space left") || m.contains("disk quota exceeded") || m.contains("not enough space")) {
                    return true;
                }
            }
        }
        return false;
    }
}
