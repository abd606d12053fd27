package dev.marketingconnector.core.events;

import java.util.Objects;

/**
 * A Kyma event type: a lower-case, dot-separated name such as {@code bo.marketingpermission.changed}
 * and a version such as {@code v1}. Construct through {@link EventTypeMapper}, which validates.
 */
public record EventType(String name, String version) {

    /**
     * Checks the components.
     *
     * @param name the name
     * @param version the version
     */
    public EventType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        EventTypeMapper.validate(name, version);
    }

    /** {@return {@code <name>.<version>}, as CloudEvents types and AsyncAPI topics write it} */
    public String qualified() {
        return name + "." + version;
    }

    @Override
    public String toString() {
        return qualified();
    }
}
