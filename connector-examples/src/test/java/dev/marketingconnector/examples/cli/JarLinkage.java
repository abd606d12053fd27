package dev.marketingconnector.examples.cli;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The class references of a jar, read from each class file's constant pool without loading anything:
 * which classes are reachable from a set of roots, and which of the classes they name are neither in
 * the jar nor in the JDK. Such a class is a {@code NoClassDefFoundError} waiting for the code path
 * that touches it.
 */
final class JarLinkage {

    /** A class the jar's code names but nobody ships, and the package of a class that names it. */
    record MissingReference(String missingClass, String referencedFrom) {

        String missingPackage() {
            return packageOf(missingClass);
        }
    }

    private static final String SERVICES = "META-INF/services/";
    private static final String VERSIONS = "META-INF/versions/";
    private static final Pattern CLASS_ATTRIBUTE = Pattern.compile("class=\"([A-Za-z0-9_.$]+)\"");

    private final Map<String, byte[]> classes = new HashMap<>();
    private final Set<String> versionedClasses = new HashSet<>();
    private final Map<String, List<String>> services = new TreeMap<>();
    private final Set<String> namedInResources = new TreeSet<>();
    private final Set<String> jdkPackages = new HashSet<>();
    private String mainClass;

    private JarLinkage() {
    }

    static JarLinkage read(Path jar) throws IOException {
        JarLinkage linkage = new JarLinkage();
        for (ModuleReference module : ModuleFinder.ofSystem().findAll()) {
            linkage.jdkPackages.addAll(module.descriptor().packages());
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            linkage.mainClass = file.getManifest().getMainAttributes().getValue("Main-Class");
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (entry.isDirectory()) {
                    continue;
                }
                if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                    if (name.startsWith(VERSIONS)) {
                        String rest = name.substring(VERSIONS.length());
                        linkage.versionedClasses.add(rest.substring(rest.indexOf('/') + 1, rest.length() - ".class".length()));
                    } else {
                        linkage.classes.put(name.substring(0, name.length() - ".class".length()), bytes(file, entry));
                    }
                } else if (name.startsWith(SERVICES) && name.length() > SERVICES.length()) {
                    List<String> providers = new ArrayList<>();
                    for (String line : new String(bytes(file, entry), StandardCharsets.UTF_8).split("\n")) {
                        String provider = line.replaceAll("#.*", "").strip();
                        if (!provider.isEmpty()) {
                            providers.add(internal(provider));
                        }
                    }
                    linkage.services.put(internal(name.substring(SERVICES.length())), providers);
                } else if (!name.contains("/") && name.startsWith("logback") && name.endsWith(".xml")) {
                    Matcher matcher = CLASS_ATTRIBUTE.matcher(new String(bytes(file, entry), StandardCharsets.UTF_8));
                    while (matcher.find()) {
                        linkage.namedInResources.add(internal(matcher.group(1)));
                    }
                }
            }
        }
        return linkage;
    }

    int classCount() {
        return classes.size();
    }

    /**
     * The roots a running connector starts from: the main class, every class of the connector itself,
     * the providers of every service whose interface exists (ServiceLoader finds them by name), and
     * the classes our Logback configurations name.
     */
    Set<String> roots(String ownPackagePrefix) {
        Set<String> roots = new TreeSet<>();
        if (mainClass != null) {
            roots.add(internal(mainClass));
        }
        classes.keySet().stream().filter(c -> c.startsWith(ownPackagePrefix)).forEach(roots::add);
        services.forEach((service, providers) -> {
            if (exists(service)) {
                roots.addAll(providers);
            }
        });
        roots.addAll(namedInResources);
        return roots;
    }

    /** Providers listed under {@code META-INF/services} of an existing service that are not in the jar. */
    List<String> missingProviders() {
        List<String> missing = new ArrayList<>();
        services.forEach((service, providers) -> {
            if (exists(service)) {
                providers.stream().filter(p -> !exists(p)).forEach(p -> missing.add(service + " -> " + p));
            }
        });
        return missing;
    }

    /** Every class reference, reachable from the roots, that neither the jar nor the JDK can satisfy. */
    List<MissingReference> missingReferences(Set<String> roots) throws IOException {
        Deque<String> queue = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        List<MissingReference> missing = new ArrayList<>();
        for (String root : roots) {
            if (classes.containsKey(root)) {
                if (seen.add(root)) {
                    queue.add(root);
                }
            } else if (!exists(root)) {
                missing.add(new MissingReference(root, "(root)"));
            }
        }
        while (!queue.isEmpty()) {
            String current = queue.poll();
            for (String reference : classReferences(classes.get(current))) {
                if (classes.containsKey(reference)) {
                    if (seen.add(reference)) {
                        queue.add(reference);
                    }
                } else if (!exists(reference)) {
                    missing.add(new MissingReference(reference, packageOf(current)));
                }
            }
        }
        return missing;
    }

    private boolean exists(String internalName) {
        return classes.containsKey(internalName) || versionedClasses.contains(internalName)
                || jdkPackages.contains(packageOf(internalName));
    }

    private static String internal(String binaryName) {
        return binaryName.replace('.', '/');
    }

    static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    private static byte[] bytes(JarFile file, JarEntry entry) throws IOException {
        try (InputStream in = file.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    /** The classes a class file's constant pool names (CONSTANT_Class entries, array element types unwrapped). */
    static List<String> classReferences(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classNameIndexes = new int[count];
        int classes = 0;
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classNameIndexes[classes++] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                case 15 -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        List<String> references = new ArrayList<>(classes);
        for (int k = 0; k < classes; k++) {
            String name = utf8[classNameIndexes[k]];
            if (name.startsWith("[")) {
                int start = name.lastIndexOf('[') + 1;
                if (name.charAt(start) != 'L') {
                    continue;
                }
                name = name.substring(start + 1, name.length() - 1);
            }
            references.add(name);
        }
        return references;
    }
}
