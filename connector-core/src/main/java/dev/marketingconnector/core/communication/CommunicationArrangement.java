package dev.marketingconnector.core.communication;

import java.util.Objects;
import java.util.Optional;

/**
 * One instance of a {@link CommunicationScenario} between the SAP system and a
 * {@link CommunicationSystem}. The event scenario (SAP_COM_0092) carries the channel name and the
 * topic space its MQTT topics start with; other scenarios carry neither.
 */
public record CommunicationArrangement(
        String name,
        CommunicationScenario scenario,
        CommunicationSystem system,
        Optional<String> channel,
        Optional<String> topicSpace) {

    /**
     * Checks the components.
     *
     * @param name the name
     * @param scenario the scenario
     * @param system the system
     * @param channel the channel
     * @param topicSpace the topic space
     */
    public CommunicationArrangement {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(scenario, "scenario");
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(topicSpace, "topicSpace");
        if (!scenario.eventChannel() && (channel.isPresent() || topicSpace.isPresent())) {
            throw new IllegalArgumentException("arrangement '" + name + "': only an event scenario such as "
                    + CommunicationScenario.EVENT_ENABLEMENT + " has a channel and a topic space, not " + scenario.id());
        }
    }

    /**
     * An arrangement for an API scenario.
     *
     * @param name the name
     * @param scenario the scenario
     * @param system the system
     * @return the communication arrangement
     */
    public static CommunicationArrangement forApis(String name, CommunicationScenario scenario, CommunicationSystem system) {
        return new CommunicationArrangement(name, scenario, system, Optional.empty(), Optional.empty());
    }

    /**
     * An arrangement for the event scenario, with its channel and topic space.
     *
     * @param name the name
     * @param scenario the scenario
     * @param system the system
     * @param channel the channel
     * @param topicSpace the topic space
     * @return the communication arrangement
     */
    public static CommunicationArrangement forEvents(String name, CommunicationScenario scenario, CommunicationSystem system,
            String channel, String topicSpace) {
        return new CommunicationArrangement(name, scenario, system, Optional.of(channel), Optional.of(topicSpace));
    }
}
