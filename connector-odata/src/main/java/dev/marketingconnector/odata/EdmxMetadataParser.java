package dev.marketingconnector.odata;

import dev.marketingconnector.core.discovery.ServiceMetadata;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.olingo.odata2.api.edm.Edm;
import org.apache.olingo.odata2.api.edm.EdmAnnotatable;
import org.apache.olingo.odata2.api.edm.EdmAnnotationAttribute;
import org.apache.olingo.odata2.api.edm.EdmAnnotations;
import org.apache.olingo.odata2.api.edm.EdmEntityContainer;
import org.apache.olingo.odata2.api.edm.EdmEntitySet;
import org.apache.olingo.odata2.api.edm.EdmException;
import org.apache.olingo.odata2.api.edm.EdmFunctionImport;
import org.apache.olingo.odata2.api.ep.EntityProvider;
import org.apache.olingo.odata2.api.exception.ODataException;

/**
 * Reads an OData V2 {@code $metadata} document (EDMX 1.0 with SAP annotations) with Apache Olingo 2
 * and returns what discovery needs in plain values: the namespace of the default entity container,
 * the entity sets and function imports of all containers, and the service's {@code sap:label}
 * (of the default entity container) when it has one.
 *
 * <pre>{@code
 * try (InputStream in = Files.newInputStream(path)) {
 *     ServiceMetadata metadata = EdmxMetadataParser.parse(in);
 * }
 * }</pre>
 *
 * Thread-safe and stateless.
 */
public final class EdmxMetadataParser {

    /** The namespace of SAP's OData annotations ({@code sap:label}, {@code sap:creatable}, ...). */
    public static final String SAP_NAMESPACE = "http://www.sap.com/Protocols/SAPData";

    private EdmxMetadataParser() {
    }

    /**
     * Parses a document; the stream is read to its end but not closed.
     *
     * @param metadata the metadata
     * @return the service metadata
     * @throws InvalidMetadataException when the document is not valid EDMX, with the parser's message
     */
    public static ServiceMetadata parse(InputStream metadata) {
        return parse(metadata, "the given document");
    }

    /**
     * Parses a document named {@code source} (a URL or file name, used in the error message); the
     * stream is read to its end but not closed.
     *
     * @param metadata the metadata
     * @param source the file or resource name
     * @return the service metadata
     * @throws InvalidMetadataException when the document is not valid EDMX, naming {@code source}
     *                                  and carrying the parser's message
     */
    public static ServiceMetadata parse(InputStream metadata, String source) {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(source, "source");
        try {
            Edm edm = EntityProvider.readMetadata(metadata, true);
            EdmEntityContainer container = edm.getDefaultEntityContainer();
            if (container == null) {
                throw new InvalidMetadataException(source, "the document has no entity container", null);
            }
            List<String> entitySets = new ArrayList<>();
            Map<String, String> labels = new LinkedHashMap<>();
            for (EdmEntitySet set : edm.getEntitySets()) {
                String name = set.getName();
                entitySets.add(name);
                Optional<String> label = sapLabel(set);
                if (label.isEmpty() && set.getEntityType() != null) {
                    label = sapLabel(set.getEntityType());
                }
                label.ifPresent(text -> labels.put(name, text));
            }
            List<String> functionImports = new ArrayList<>();
            for (EdmFunctionImport function : edm.getFunctionImports()) {
                functionImports.add(function.getName());
            }
            return new ServiceMetadata(container.getNamespace(), entitySets, functionImports, sapLabel(container), labels);
        } catch (ODataException | RuntimeException e) {
            if (e instanceof InvalidMetadataException invalid) {
                throw invalid;
            }
            throw new InvalidMetadataException(source, describe(e), e);
        }
    }

    /**
     * Parses a document held in memory.
     *
     * @param metadata the metadata
     * @param source the file or resource name
     * @return the service metadata
     */
    public static ServiceMetadata parse(byte[] metadata, String source) {
        Objects.requireNonNull(metadata, "metadata");
        return parse(new ByteArrayInputStream(metadata), source);
    }

    /** Reads a stream to its end and parses it, closing the stream. */
    static ServiceMetadata parseAndClose(InputStream metadata, String source) throws IOException {
        try (InputStream in = metadata) {
            return parse(in.readAllBytes(), source);
        }
    }

    /** The {@code sap:label} of an annotated element, if it carries one. */
    static Optional<String> sapLabel(EdmAnnotatable element) throws EdmException {
        EdmAnnotations annotations = element.getAnnotations();
        if (annotations == null || annotations.getAnnotationAttributes() == null) {
            return Optional.empty();
        }
        for (EdmAnnotationAttribute attribute : annotations.getAnnotationAttributes()) {
            if ("label".equals(attribute.getName()) && SAP_NAMESPACE.equals(attribute.getNamespace())
                    && attribute.getText() != null && !attribute.getText().isBlank()) {
                return Optional.of(attribute.getText());
            }
        }
        return Optional.empty();
    }

    /**
     * Olingo's own message is often a message key; the explanation a person can act on (for
     * instance the XML parser's line and column) sits further down the cause chain.
     */
    static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            String line = message == null ? "" : message.strip().replaceAll("\\s+", " ");
            if (!line.isEmpty() && text.indexOf(line) < 0) {
                if (text.length() > 0) {
                    text.append(text.charAt(text.length() - 1) == '.' ? " " : ": ");
                }
                text.append(line);
            }
        }
        return text.length() == 0 ? error.getClass().getName() : text.toString();
    }
}
