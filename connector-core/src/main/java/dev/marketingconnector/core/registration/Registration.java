package dev.marketingconnector.core.registration;

import java.util.Map;

/**
 * One entry of a Kyma Application: an API or the event catalog. {@link #identifier()} is its
 * stable identity (product + service path); {@link #name()} is for display only.
 */
public sealed interface Registration permits ApiRegistration, EventCatalogRegistration {

    /** {@return the identifier} */
    String identifier();

    /** {@return the name} */
    String name();

    /** {@return the description} */
    String description();

    /** {@return the provider} */
    String provider();

    /** {@return the labels} */
    Map<String, String> labels();

    /**
     * The same registration with other labels.
     *
     * @param labels the labels
     * @return this Registration
     */
    Registration withLabels(Map<String, String> labels);
}
