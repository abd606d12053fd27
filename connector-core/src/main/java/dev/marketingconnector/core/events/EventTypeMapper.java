package dev.marketingconnector.core.events;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Turns an SAP event type into a Kyma event type: lower-cased, and a trailing {@code .vN} taken as
 * the version (else {@code v1}). {@code BO.MarketingPermission.Changed} becomes
 * {@code bo.marketingpermission.changed} version {@code v1};
 * {@code sap.s4.beh.marketingcampaign.v1.MarketingCampaign.Completed.v1} keeps its {@code v1}.
 *
 * <p>The rules follow Kyma's events contract: the name is dot-separated host-name-like labels
 * (letters, digits, inner '-'), at most 253 characters; the version is alphanumeric, at most 4.
 */
public final class EventTypeMapper {

    /** The default version. */
    public static final String DEFAULT_VERSION = "v1";
    /** The max name length. */
    public static final int MAX_NAME_LENGTH = 253;
    /** The max version length. */
    public static final int MAX_VERSION_LENGTH = 4;

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern VERSION = Pattern.compile("[a-zA-Z0-9]{1," + MAX_VERSION_LENGTH + "}");
    private static final Pattern VERSION_SUFFIX = Pattern.compile("v[0-9]{1,3}");

    private EventTypeMapper() {
    }

    /**
     * Maps an SAP event type.
     *
     * @param sapEventType the SAP event type
     * @return the event type
     * @throws InvalidEventTypeException quoting the input when it cannot make a valid type
     */
    public static EventType map(String sapEventType) {
        if (sapEventType == null || sapEventType.isBlank()) {
            throw new InvalidEventTypeException(sapEventType, "the event type is empty");
        }
        String lower = sapEventType.strip().toLowerCase(Locale.ROOT);
        int lastDot = lower.lastIndexOf('.');
        if (lastDot > 0 && VERSION_SUFFIX.matcher(lower.substring(lastDot + 1)).matches()) {
            return of(lower.substring(0, lastDot), lower.substring(lastDot + 1), sapEventType);
        }
        return of(lower, DEFAULT_VERSION, sapEventType);
    }

    /**
     * A type from a name and a version, validated.
     *
     * @param name the name
     * @param version the version
     * @return a type from a name and a version, validated
     */
    public static EventType of(String name, String version) {
        return of(name, version, name);
    }

    private static EventType of(String name, String version, String input) {
        String problem = problem(name, version);
        if (problem != null) {
            throw new InvalidEventTypeException(input, problem);
        }
        return new EventType(name, version);
    }

    static void validate(String name, String version) {
        String problem = problem(name, version);
        if (problem != null) {
            throw new InvalidEventTypeException(name + "." + version, problem);
        }
    }

    /** What is wrong with the name and version, or null when they are valid. */
    static String problem(String name, String version) {
        if (name.isEmpty()) {
            return "the event type name is empty";
        }
        if (name.length() > MAX_NAME_LENGTH) {
            return "the name has " + name.length() + " characters; at most " + MAX_NAME_LENGTH + " are allowed";
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return label.isEmpty() ? "the name has an empty label (two dots, or a dot at either end)"
                        : "the label '" + label + "' is not lower-case letters, digits and inner '-' (at most 63)";
            }
        }
        if (!VERSION.matcher(version).matches()) {
            return "the version '" + version + "' must be 1 to " + MAX_VERSION_LENGTH + " letters or digits";
        }
        return null;
    }
}
