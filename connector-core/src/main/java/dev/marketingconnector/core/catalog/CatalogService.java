package dev.marketingconnector.core.catalog;

import java.util.Objects;
import java.util.Optional;

/**
 * One OData service a product offers.
 *
 * @param name        technical name, e.g. {@code API_MKT_CONTACT_SRV}
 * @param version     the {@code ;v=NNNN} matrix version, when the service is addressed with one
 * @param path        the service path below the system URL, without a trailing slash,
 *                    e.g. {@code /sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002}
 * @param displayName what users see in Kyma; never used as identity
 * @param description a short description of what the service is for
 * @param scenario    the communication scenario that opens it, e.g. {@code SAP_COM_0207}
 */
public record CatalogService(
        String name, Optional<String> version, String path, String displayName, String description, String scenario) {

    /**
     * Checks the components.
     *
     * @param name technical name, e.g. {@code API_MKT_CONTACT_SRV}
     * @param version the {@code ;v=NNNN} matrix version, when the service is addressed with one
     * @param path the service path below the system URL, without a trailing slash, e.g. {@code /sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002}
     * @param displayName what users see in Kyma; never used as identity
     * @param description a short description of what the service is for
     * @param scenario the communication scenario that opens it, e.g. {@code SAP_COM_0207}
     */
    public CatalogService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(scenario, "scenario");
    }

    /** {@return the name with its matrix version, as the catalog and scenarios refer to it: {@code API_MKT_CONTACT_SRV;v=0002}} */
    public String key() {
        return version.map(v -> name + ";v=" + v).orElse(name);
    }
}
