package dev.marketingconnector.core.config;

import dev.marketingconnector.core.ConnectorException;
import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used; lists every problem at once, each by setting name. */
public class ConfigurationException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigurationProblem> problems;

    /**
     * Creates the exception.
     *
     * @param problems every problem
     */
    public ConfigurationException(List<ConfigurationProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** {@return the problems} */
    public List<ConfigurationProblem> problems() {
        return problems;
    }

    private static String describe(List<ConfigurationProblem> problems) {
        return "Invalid configuration (" + problems.size() + (problems.size() == 1 ? " problem" : " problems") + "):"
                + problems.stream().map(p -> "\n  - " + p).collect(Collectors.joining());
    }
}
