package dev.marketingconnector.core.catalog;

import dev.marketingconnector.core.ConnectorException;

/** A service catalog file that cannot be read, named with the JSON path of the problem. */
public class CatalogException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The source. */
    private final String source;
    /** The JSON path. */
    private final String jsonPath;

    /**
     * Creates the exception.
     *
     * @param source the file or resource name
     * @param jsonPath where in the document, e.g. {@code $.services[3].displayName}
     * @param problem what is wrong
     */
    public CatalogException(String source, String jsonPath, String problem) {
        this(source, jsonPath, problem, null);
    }

    /**
     * Creates the exception.
     *
     * @param source the file or resource name
     * @param jsonPath where in the document, e.g. {@code $.services[3].displayName}
     * @param problem what is wrong
     * @param cause the cause
     */
    public CatalogException(String source, String jsonPath, String problem, Throwable cause) {
        super("Service catalog " + source + " at " + jsonPath + ": " + problem, cause);
        this.source = source;
        this.jsonPath = jsonPath;
    }

    /** {@return the file or resource name} */
    public String source() {
        return source;
    }

    /**
     * Where in the document, e.g. {@code $.services[3].displayName}.
     *
     * @return where in the document, e.g
     */
    public String jsonPath() {
        return jsonPath;
    }
}
