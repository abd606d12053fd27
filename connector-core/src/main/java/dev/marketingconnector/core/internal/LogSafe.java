package dev.marketingconnector.core.internal;

/**
 * Makes a value a client chose (topic, client id, event type, path, header, an exception message
 * quoting them) safe to log in either log format: control characters, line and paragraph
 * separators, bidirectional overrides and backslashes are escaped ({@code \n}, {@code \r},
 * {@code \t}, {@code \\}, {@code \\u202e}), so a value can never start a new line or disguise
 * itself, and a long value is cut to {@value #MAX_CHARS} characters plus {@code ...(N more)} (ASCII,
 * so it reads the same whatever the console's encoding).
 */
public final class LogSafe {

    /** Characters of a client value kept in a log line. */
    public static final int MAX_CHARS = 200;

    private LogSafe() {
    }

    /** The value escaped and cut; {@code null} stays {@code "null"}. */
    public static String of(Object value) {
        if (value == null) {
            return "null";
        }
        String text = value.toString();
        int length = text.length();
        int keep = Math.min(length, MAX_CHARS);
        if (keep < length && Character.isHighSurrogate(text.charAt(keep - 1))) {
            keep--; // never split a surrogate pair
        }
        if (keep == length && clean(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(keep + 24);
        for (int i = 0; i < keep; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (needsEscape(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (keep < length) {
            out.append("...(").append(length - keep).append(" more)");
        }
        return out.toString();
    }

    /**
     * A stand-in for {@code t} to pass to a logger for its stack trace: same class name in the
     * message and same frames, but the message (which may quote client input) made safe and the
     * causes left out.
     */
    public static Throwable throwable(Throwable t) {
        Throwable safe = new Throwable(of(t), null, false, true) {
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                return getMessage();
            }
        };
        safe.setStackTrace(t.getStackTrace());
        return safe;
    }

    private static boolean clean(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || needsEscape(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean needsEscape(char c) {
        return Character.isISOControl(c)                 // C0, DEL, C1 (NEL included)
                || c == '\u2028' || c == '\u2029'         // line and paragraph separators
                || c >= '\u202a' && c <= '\u202e'         // bidirectional embeddings and overrides
                || c >= '\u2066' && c <= '\u2069'         // bidirectional isolates
                || c == '\u200e' || c == '\u200f' || c == '\ufeff';
    }
}
