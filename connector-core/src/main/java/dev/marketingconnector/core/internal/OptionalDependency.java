package dev.marketingconnector.core.internal;

import dev.marketingconnector.core.MissingDependencyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Checks an optional dependency before a feature touches any of its classes, so that a missing one
 * fails with a {@link MissingDependencyException} naming the artifact, not with a
 * {@code NoClassDefFoundError}. Not API: used by the connector's own modules.
 *
 * <p>Each module keeps the coordinates in {@value #RESOURCE}, next to the class that checks,
 * filtered by Maven at build time so that the versions are the ones the module was built with.
 * The check must run before the JVM links any class whose code names the optional types (linking
 * verifies catch clauses and assignments, which loads those types), so it goes into a factory or
 * builder method of a class that does not name them.
 */
public final class OptionalDependency {

    /** The properties resource, relative to the checking class's package. */
    public static final String RESOURCE = "optional-dependencies.properties";

    private OptionalDependency() {
    }

    /**
     * Throws unless {@code probeClass} can be loaded by the class loader of {@code anchor}.
     *
     * @param anchor     a class of the checking module, next to its {@value #RESOURCE}
     * @param feature    what is being used, for the message
     * @param probeClass a class the dependency surely holds
     * @param keys       the keys of the coordinates to name, in {@value #RESOURCE}
     * @throws MissingDependencyException when the class cannot be loaded
     */
    public static void require(Class<?> anchor, String feature, String probeClass, String... keys) {
        try {
            Class.forName(probeClass, false, anchor.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new MissingDependencyException(feature, coordinates(anchor, keys));
        }
    }

    /**
     * The coordinates behind {@code keys}.
     *
     * @param anchor a class of the checking module, next to its {@value #RESOURCE}
     * @param keys   the keys to read
     * @return the values, in the order of the keys ({@code ?:key:?} when a key is missing)
     */
    public static List<String> coordinates(Class<?> anchor, String... keys) {
        Properties properties = new Properties();
        try (InputStream in = anchor.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> coordinates = new ArrayList<>();
        for (String key : keys) {
            coordinates.add(properties.getProperty(key, "?:" + key + ":?"));
        }
        return coordinates;
    }
}
