package dev.marketingconnector.kyma.optional;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Runs a static method with the test class path minus some jars, as a user's class path without an optional dependency. */
final class IsolatedClassPath {

    private IsolatedClassPath() {
    }

    /** Calls {@code className.method()} in a fresh class loader that cannot see the excluded entries; returns what it returns, or throws what it throws. */
    static Object call(Predicate<String> excluded, String className, String method) throws Throwable {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank() && !excluded.test(entry)) {
                urls.add(url(entry));
            }
        }
        if (urls.stream().noneMatch(u -> u.getPath().contains("jackson-databind"))) {
            throw new IllegalStateException("the test class path was not found (surefire.test.class.path): " + classPath);
        }
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            return Class.forName(className, true, loader).getMethod(method).invoke(null);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static URL url(String entry) {
        try {
            return Path.of(entry).toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(entry, e);
        }
    }
}
