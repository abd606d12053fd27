package dev.marketingconnector.core.catalog;

import dev.marketingconnector.core.ConnectorException;

/** A service catalog file that cannot be read, named with the JSON path of the problem. */
public class CatalogException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String jsonPath;

    public CatalogException(String source, String jsonPath, String problem) {
        this(source, jsonPath, problem, null);
    }

    public CatalogException(String source, String jsonPath, String problem, Throwable cause) {
        super("Service catalog " + source + " at " + jsonPath + ": " + problem, cause);
        this.source = source;
        this.jsonPath = jsonPath;
    }

    /** The file or resource name. */
    public String source() {
        return source;
    }

    /** Where in the document, e.g. {@code $.services[3].displayName}. */
    public String jsonPath() {
        return jsonPath;
    }
}
