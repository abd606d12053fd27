package dev.marketingconnector.kyma.registry;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Names in the Application resource: service ids, service names and credential Secret names. */
final class ServiceNames {

    static final int MAX_RESOURCE_NAME = 253;

    private ServiceNames() {
    }

    /** The same id for the same identifier in the same Application, run after run. */
    static String serviceId(String application, String identifier) {
        return UUID.nameUUIDFromBytes(("marketing-connector:" + application + ":" + identifier).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Kyma's normalisation of a service name: lower-case, every character but a-z and 0-9 becomes '-'. */
    static String kymaNormalised(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
            out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-');
        }
        return out.toString();
    }

    /**
     * A service name from a display name, already in Kyma's normal form (runs of other characters
     * become one '-', none at either end) and unique among {@code others} after normalisation; on a
     * collision a short suffix from the id is added.
     */
    static String uniqueServiceName(String displayName, String id, Collection<String> others) {
        String base = displayName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (base.isEmpty()) {
            base = "service";
        }
        Set<String> taken = others.stream().map(ServiceNames::kymaNormalised).collect(Collectors.toSet());
        String hex = id.replace("-", "");
        String candidate = base;
        for (int length = 6; taken.contains(candidate); length += 2) {
            candidate = base + "-" + hex.substring(0, Math.min(length, hex.length()));
            if (length >= hex.length()) {
                break;
            }
        }
        return candidate;
    }

    /**
     * The credential Secret of a service: {@code <application>-<service name>}, a valid resource name
     * of at most 253 characters (longer ones are cut and end with a part of the id).
     */
    static String secretName(String application, String serviceName, String id) {
        String name = (application + "-" + serviceName).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-")
                .replaceAll("^[-.]+|[-.]+$", "");
        if (name.length() > MAX_RESOURCE_NAME) {
            String suffix = "-" + id.replace("-", "").substring(0, 8);
            name = name.substring(0, MAX_RESOURCE_NAME - suffix.length()).replaceAll("[-.]+$", "") + suffix;
        }
        return name;
    }
}
