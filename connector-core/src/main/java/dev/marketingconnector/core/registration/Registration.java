package dev.marketingconnector.core.registration;

import java.util.Map;

/**
 * One entry of a Kyma Application: an API or the event catalog. {@link #identifier()} is its
 * stable identity (product + service path); {@link #name()} is for display only.
 */
public sealed interface Registration permits ApiRegistration, EventCatalogRegistration {

    String identifier();

    String name();

    String description();

    String provider();

    Map<String, String> labels();

    /** The same registration with other labels. */
    Registration withLabels(Map<String, String> labels);
}
