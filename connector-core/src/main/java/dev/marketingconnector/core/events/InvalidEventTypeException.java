package dev.marketingconnector.core.events;

import dev.marketingconnector.core.ConnectorException;

/** Input that cannot make a valid Kyma event type; the message quotes it. */
public class InvalidEventTypeException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The input. */
    private final String input;

    /**
     * Creates the exception.
     *
     * @param input the input
     * @param problem what is wrong
     */
    public InvalidEventTypeException(String input, String problem) {
        super("Cannot make a Kyma event type of '" + abbreviate(input) + "': " + problem);
        this.input = input;
    }

    /** {@return the input} */
    public String input() {
        return input;
    }

    private static String abbreviate(String input) {
        if (input == null) {
            return "null";
        }
        return input.length() <= 300 ? input : input.substring(0, 300) + "…";
    }
}
