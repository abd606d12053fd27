package dev.marketingconnector.core.discovery;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import java.util.function.Consumer;

/** The port that finds which of a catalog's services answer for the communication user. */
public interface ServiceDiscovery {

    /**
     * Checks every service of the catalog and reports each result to {@code progress} as soon as it
     * is known (from any thread).
     *
     * @param catalog the service catalog
     * @param progress hears about each item as it is done
     * @return one result per catalog service, in catalog order
     * @throws AuthenticationFailedException when the system rejects the user's credentials: one
     *                                       clear error instead of one per service
     */
    DiscoveryReport discover(ServiceCatalog catalog, Consumer<DiscoveredService> progress);

    /**
     * Finds which of the catalog's services answer, without progress reports.
     *
     * @param catalog the service catalog
     * @return one result per catalog service, in catalog order
     */
    default DiscoveryReport discover(ServiceCatalog catalog) {
        return discover(catalog, result -> { });
    }
}
