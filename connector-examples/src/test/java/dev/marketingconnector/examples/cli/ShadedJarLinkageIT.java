package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped jar carries every class its code can reach.
 *
 * <p>Why a check of the jar and not a rule on the pom: in issue 12 a {@code test}-scoped declaration
 * of {@code jackson-dataformat-yaml} won Maven's nearest-wins mediation over fabric8's runtime
 * dependency on it, so the shaded jar lost {@code YAMLFactory} and every {@code KUBECONFIG} run died
 * with {@code NoClassDefFoundError}, while every test passed (the test class path had the jar). A pom
 * rule would have to re-implement Maven's mediation and would still miss the other ways to lose a
 * class: an exclusion, a dependency turned {@code optional} upstream, a shade filter. This test reads
 * the artifact users run: starting from the connector's own classes, the main class, the
 * ServiceLoader providers and the classes our Logback configurations name, it follows every class
 * reference in the class files' constant pools and fails on any class that neither the jar nor the
 * JDK has. The price is the list of optional integrations libraries probe for
 * ({@code shaded-jar-optional-references.txt}), each entry with its reason; an entry that matches
 * nothing fails too, so the list stays true. It reads about 19,000 class files in about a second
 * and loads none of them.
 */
class ShadedJarLinkageIT {

    private static final Path JAR = Path.of("target", "marketing-connector.jar");
    private static final String ALLOWED = "/shaded-jar-optional-references.txt";

    private static JarLinkage linkage;

    private record Allowed(String missingPrefix, String fromPrefix, String reason) {

        boolean matches(JarLinkage.MissingReference reference) {
            return within(reference.missingPackage(), missingPrefix) && within(reference.referencedFrom(), fromPrefix);
        }

        private static boolean within(String pkg, String prefix) {
            return pkg.equals(prefix) || pkg.startsWith(prefix + ".");
        }

        @Override
        public String toString() {
            return missingPrefix + " <- " + fromPrefix;
        }
    }

    @BeforeAll
    static void readJar() throws IOException {
        assertThat(JAR).as("the runnable jar (built by mvn package)").exists();
        linkage = JarLinkage.read(JAR);
    }

    @Test
    void everyClassTheConnectorCanReachIsInTheJarOrTheJdk() throws IOException {
        List<Allowed> allowed = allowed();
        List<JarLinkage.MissingReference> missing = linkage.missingReferences(linkage.roots("dev/marketingconnector/"));

        Map<String, TreeSet<String>> unexplained = new TreeMap<>();
        List<Allowed> used = new ArrayList<>();
        for (JarLinkage.MissingReference reference : missing) {
            Allowed match = allowed.stream().filter(a -> a.matches(reference)).findFirst().orElse(null);
            if (match == null) {
                unexplained.computeIfAbsent(reference.missingClass().replace('/', '.'), k -> new TreeSet<>()).add(reference.referencedFrom());
            } else {
                used.add(match);
            }
        }

        assertThat(unexplained)
                .as("classes the shaded jar's code references but nobody ships (a dependency lost from the jar? "
                        + "check `mvn dependency:tree -Dscope=runtime` for a test/provided scope or an exclusion that hides it); "
                        + "class -> referencing packages")
                .isEmpty();
        assertThat(allowed).as("entries of %s that match no missing reference any more: remove them", ALLOWED)
                .allMatch(used::contains);
        assertThat(linkage.classCount()).isGreaterThan(1000);
    }

    @Test
    void everyServiceLoaderProviderIsInTheJar() {
        assertThat(linkage.missingProviders()).as("META-INF/services entries naming classes the jar lacks").isEmpty();
    }

    private static List<Allowed> allowed() throws IOException {
        List<Allowed> entries = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(ShadedJarLinkageIT.class.getResourceAsStream(ALLOWED), ALLOWED)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) {
                    continue;
                }
                int arrow = text.indexOf("<-");
                int colon = text.indexOf(':', arrow);
                if (arrow < 0 || colon < 0) {
                    throw new IllegalStateException(ALLOWED + ": '" + text + "' is not '<missing> <- <from> : <reason>'");
                }
                entries.add(new Allowed(text.substring(0, arrow).strip(), text.substring(arrow + 2, colon).strip(),
                        text.substring(colon + 1).strip()));
            }
        }
        return entries;
    }
}
