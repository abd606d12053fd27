package dev.marketingconnector.core;

import java.util.List;

/**
 * A feature was used whose optional dependency is not on the class path. The message is one line
 * that names the feature and the Maven coordinates (with the version the connector is built and
 * tested with) of what to add, e.g. {@code ApplicationResourceRegistry needs
 * io.fabric8:kubernetes-client:7.5.2 and io.fabric8:kubernetes-httpclient-jdk:7.5.2 on the class
 * path: add them to your dependencies (dev.marketingconnector:connector-bom manages their versions)}.
 * Thrown where the feature is first touched, instead of a {@code NoClassDefFoundError} from deep inside.
 */
public class MissingDependencyException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The connector's BOM, which manages the versions of every optional dependency. */
    public static final String BOM = "dev.marketingconnector:connector-bom";

    /** The feature. */
    private final String feature;
    /** The artifacts. */
    private final List<String> artifacts;

    /**
     * Creates the exception.
     *
     * @param feature   what was used, e.g. {@code ApplicationResourceRegistry}
     * @param artifacts the Maven coordinates to add ({@code groupId:artifactId:version}), at least one
     */
    public MissingDependencyException(String feature, List<String> artifacts) {
        super(message(feature, artifacts));
        this.feature = feature;
        this.artifacts = List.copyOf(artifacts);
    }

    private static String message(String feature, List<String> artifacts) {
        if (artifacts.isEmpty()) {
            throw new IllegalArgumentException("artifacts must name at least one dependency");
        }
        boolean one = artifacts.size() == 1;
        String names = one ? artifacts.get(0)
                : String.join(", ", artifacts.subList(0, artifacts.size() - 1)) + " and " + artifacts.get(artifacts.size() - 1);
        return feature + " needs " + names + " on the class path: add " + (one ? "it" : "them") + " to your dependencies ("
                + BOM + " manages " + (one ? "its version" : "their versions") + ")";
    }

    /**
     * What was used.
     *
     * @return the feature's name, e.g. {@code ApplicationResourceRegistry}
     */
    public String feature() {
        return feature;
    }

    /**
     * What to add.
     *
     * @return the Maven coordinates ({@code groupId:artifactId:version}) of the missing dependencies
     */
    public List<String> artifacts() {
        return artifacts;
    }
}
