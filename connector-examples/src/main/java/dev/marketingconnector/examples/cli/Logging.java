package dev.marketingconnector.examples.cli;

import java.util.Locale;
import java.util.Map;

/**
 * Picks the Logback configuration before the first logger exists: {@code LOG_FORMAT=json} gives one
 * JSON object per line, {@code text} (the default) a human-friendly line. {@code LOG_LEVEL} sets the
 * level; the demo is quiet (WARN) unless told otherwise. Logs go to standard error, so standard
 * output carries only the tables.
 */
final class Logging {

    private Logging() {
    }

    static void configure(Map<String, String> environment, String[] args) {
        String format = environment.getOrDefault("LOG_FORMAT", "text").strip().toLowerCase(Locale.ROOT);
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", format.equals("json") ? "logback-json.xml" : "logback-text.xml");
        }
        String level = environment.get("LOG_LEVEL");
        boolean demo = args.length == 0 || args[0].equals("demo") || args[0].startsWith("-") && !isHelp(args[0]);
        if (level == null || level.isBlank()) {
            level = demo ? "WARN" : "INFO";
        }
        System.setProperty("LOG_LEVEL", level.strip().toUpperCase(Locale.ROOT));
    }

    private static boolean isHelp(String arg) {
        return arg.equals("-h") || arg.equals("--help") || arg.equals("-V") || arg.equals("--version");
    }
}
