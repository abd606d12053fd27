package dev.marketingconnector.examples.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the image runs the JVM, read from the project's Dockerfile (its last stage) so that the
 * benchmarks run the bridge the same way whatever flags the image chooses: the options of the
 * {@code java} command in {@code ENTRYPOINT} (exec or shell form, up to {@code -jar} or the main class)
 * and the JVM's option variables set with {@code ENV} ({@code JAVA_TOOL_OPTIONS}, {@code JDK_JAVA_OPTIONS}),
 * which the child then gets in its environment, as in the container.
 *
 * @param source      the Dockerfile read
 * @param commandLine JVM options of the {@code java} command (class path options left out)
 * @param environment {@code JAVA_TOOL_OPTIONS} / {@code JDK_JAVA_OPTIONS} as the image sets them
 */
record ImageJvmFlags(Path source, List<String> commandLine, Map<String, String> environment) {

    /** JVM option variables the java launcher or the JVM itself reads. */
    static final List<String> JVM_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");
    /** Options that take their value as the next word. */
    private static final Set<String> WITH_VALUE = Set.of("--add-opens", "--add-exports", "--add-reads", "--add-modules", "--limit-modules",
            "--patch-module", "--upgrade-module-path", "--module-path", "-p", "--enable-native-access");
    private static final Set<String> CLASS_PATH = Set.of("-cp", "-classpath", "--class-path");
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}|([A-Za-z_][A-Za-z0-9_]*))");
    private static final ObjectMapper JSON = new ObjectMapper();

    ImageJvmFlags {
        commandLine = List.copyOf(commandLine);
        environment = Map.copyOf(environment);
    }

    /** Everything, as one line for the report. */
    String describe() {
        List<String> parts = new ArrayList<>();
        environment.forEach((name, value) -> parts.add(name + "=\"" + value + "\""));
        parts.add("java " + String.join(" ", commandLine));
        return String.join(" ", parts);
    }

    static ImageJvmFlags read(Path dockerfile) {
        try {
            return parse(Files.readString(dockerfile, StandardCharsets.UTF_8), dockerfile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dockerfile, e);
        }
    }

    /**
     * The Dockerfile to read: the given one, else the first {@code Dockerfile} of this project found in
     * the working directory or above, or above this jar (or class directory).
     *
     * @throws IllegalArgumentException naming {@code --dockerfile} when none is found
     */
    static Path locate(Path option) {
        if (option != null) {
            if (!Files.isRegularFile(option)) {
                throw new IllegalArgumentException("--dockerfile: no such file: " + option.toAbsolutePath());
            }
            return option;
        }
        Set<Path> starts = new LinkedHashSet<>();
        starts.add(Path.of("").toAbsolutePath());
        codeLocation().ifPresent(starts::add);
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path candidate = dir.resolve("Dockerfile");
                if (isOurs(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException("--pod runs the bridge with the image's JVM flags, but no Dockerfile of the connector was found in "
                + starts + " or above; give --dockerfile <path>");
    }

    private static boolean isOurs(Path candidate) {
        try {
            return Files.isRegularFile(candidate) && Files.readString(candidate, StandardCharsets.UTF_8).contains("marketing-connector");
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static Optional<Path> codeLocation() {
        try {
            var source = ImageJvmFlags.class.getProtectionDomain().getCodeSource();
            return source == null ? Optional.empty() : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Reads the JVM flags from a Dockerfile's text. */
    static ImageJvmFlags parse(String text, Path source) {
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> args = new LinkedHashMap<>();
        String entrypoint = null;
        for (String instruction : instructions(text)) {
            String[] split = instruction.split("\\s+", 2);
            String keyword = split[0].toUpperCase(Locale.ROOT);
            String rest = split.length > 1 ? split[1].strip() : "";
            switch (keyword) {
                case "FROM" -> {
                    env.clear();
                    args.clear();
                    entrypoint = null;
                }
                case "ARG" -> {
                    int eq = rest.indexOf('=');
                    if (eq > 0) {
                        args.put(rest.substring(0, eq).strip(), unquote(rest.substring(eq + 1).strip()));
                    }
                }
                case "ENV" -> env.putAll(parseEnv(rest, variables(args, env), source));
                case "ENTRYPOINT" -> entrypoint = rest;
                default -> {
                    // other instructions do not change how the JVM starts
                }
            }
        }
        if (entrypoint == null) {
            throw new IllegalArgumentException(source + ": the last stage has no ENTRYPOINT, so the image's java command is unknown");
        }
        List<String> words = entrypointWords(entrypoint, variables(args, env), source);
        Map<String, String> jvmVariables = new LinkedHashMap<>();
        for (String name : JVM_VARIABLES) {
            if (env.containsKey(name) && !env.get(name).isBlank()) {
                jvmVariables.put(name, env.get(name));
            }
        }
        return new ImageJvmFlags(source, javaOptions(words, source), jvmVariables);
    }

    private static Map<String, String> variables(Map<String, String> args, Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(args);
        all.putAll(env);
        return all;
    }

    /** Instructions with comments and line continuations resolved. */
    private static List<String> instructions(String text) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : text.split("\\R")) {
            String stripped = line.strip();
            if (stripped.startsWith("#")) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
                continue;
            }
            current.append(stripped);
            if (!current.toString().isBlank()) {
                result.add(current.toString().strip());
            }
            current.setLength(0);
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().strip());
        }
        return result;
    }

    /** {@code ENV a=1 b="x y"} or the legacy {@code ENV a value with spaces}. */
    private static Map<String, String> parseEnv(String rest, Map<String, String> known, Path source) {
        Map<String, String> result = new LinkedHashMap<>();
        if (!rest.matches("^[A-Za-z_][A-Za-z0-9_]*=.*")) {
            String[] legacy = rest.split("\\s+", 2);
            result.put(legacy[0], legacy.length > 1 ? substitute(legacy[1].strip(), known, source) : "");
            return result;
        }
        for (String word : shellWords(rest, source)) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(source + ": cannot read ENV " + rest);
            }
            Map<String, String> scope = new LinkedHashMap<>(known);
            scope.putAll(result);
            result.put(word.substring(0, eq), substitute(word.substring(eq + 1), scope, source));
        }
        return result;
    }

    private static List<String> entrypointWords(String entrypoint, Map<String, String> env, Path source) {
        List<String> words;
        if (entrypoint.startsWith("[")) {
            try {
                JsonNode array = JSON.readTree(entrypoint);
                words = new ArrayList<>();
                for (JsonNode word : array) {
                    words.add(word.asText());
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(source + ": ENTRYPOINT is not a JSON array: " + entrypoint, e);
            }
            // ["sh", "-c", "java …"] runs a shell command line
            if (words.size() >= 3 && (words.get(0).endsWith("sh")) && words.get(1).equals("-c")) {
                return shellWords(substitute(words.get(2), env, source), source);
            }
            return words;
        }
        return shellWords(substitute(entrypoint, env, source), source);
    }

    /** The options between {@code java} and the jar or main class, without class path options. */
    private static List<String> javaOptions(List<String> words, Path source) {
        int java = -1;
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("java") || word.endsWith("/java")) {
                java = i;
                break;
            }
        }
        if (java < 0) {
            throw new IllegalArgumentException(source + ": ENTRYPOINT does not run java directly (" + String.join(" ", words)
                    + "); give the bridge's JVM flags with --bridge-jvm-option instead of --pod");
        }
        List<String> options = new ArrayList<>();
        for (int i = java + 1; i < words.size(); i++) {
            String word = words.get(i);
            if (word.equals("-jar") || !word.startsWith("-")) {
                break;
            }
            if (CLASS_PATH.contains(word)) {
                i++;
            } else if (WITH_VALUE.contains(word) && i + 1 < words.size()) {
                options.add(word);
                options.add(words.get(++i));
            } else if (!word.isEmpty()) {
                options.add(word);
            }
        }
        return options;
    }

    /** Replaces {@code $NAME}, {@code ${NAME}} and {@code ${NAME:-default}} with what the Dockerfile set. */
    private static String substitute(String text, Map<String, String> known, Path source) {
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(2) != null ? m.group(2) : m.group(5);
            String value = known.get(name);
            if (value == null && m.group(3) != null) {
                value = m.group(4);
            }
            if (value == null) {
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Splits like a POSIX shell: blanks separate words, single and double quotes group, backslash escapes. */
    static List<String> shellWords(String text, Path source) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < text.length()) {
                    word.append(text.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < text.length()) {
                word.append(text.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException(source + ": unbalanced quote in: " + text);
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
