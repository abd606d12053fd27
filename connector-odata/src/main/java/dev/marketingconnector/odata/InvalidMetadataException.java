package dev.marketingconnector.odata;

import dev.marketingconnector.core.ConnectorException;
import java.util.Objects;

/**
 * A {@code $metadata} document that cannot be read as EDMX. The message names the document and
 * carries the parser's own explanation; the parser's exception is the cause.
 */
public class InvalidMetadataException extends ConnectorException {

    private static final long serialVersionUID = 1L;

    /** The source. */
    private final String source;
    /** The parser message. */
    private final String parserMessage;

    /**
     * Creates the exception.
     *
     * @param source the file or resource name
     * @param parserMessage the parser message
     * @param cause the cause
     */
    public InvalidMetadataException(String source, String parserMessage, Throwable cause) {
        super("Cannot parse the OData metadata of " + source + ": " + parserMessage, cause);
        this.source = Objects.requireNonNull(source, "source");
        this.parserMessage = Objects.requireNonNull(parserMessage, "parserMessage");
    }

    /**
     * The document's name or URL, e.g. {@code https://my-tenant/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002/$metadata}.
     *
     * @return the document's name or URL, e.g
     */
    public String source() {
        return source;
    }

    /** {@return what the parser said, without the document name} */
    public String parserMessage() {
        return parserMessage;
    }
}
