package dev.marketingconnector.core.communication;

import java.util.List;
import java.util.Objects;

/**
 * An SAP communication scenario (e.g. {@code SAP_COM_0207}): a bundle of inbound services that one
 * arrangement opens to a communication user. {@code serviceNames} are the keys of the catalog services it covers
 * (e.g. {@code API_MKT_CONTACT_SRV;v=0002}).
 */
public record CommunicationScenario(String id, String name, List<String> serviceNames, boolean eventChannel) {

    /** The scenario of SAP's Enterprise Event Enablement, whose arrangement carries the MQTT channel. */
    public static final String EVENT_ENABLEMENT = "SAP_COM_0092";

    /**
     * Checks the components.
     *
     * @param id the id
     * @param name the name
     * @param serviceNames the service names
     * @param eventChannel the event channel
     */
    public CommunicationScenario {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        serviceNames = List.copyOf(serviceNames);
    }
}
