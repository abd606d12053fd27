package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.registration.Registration;
import java.util.List;

/**
 * The port to where a Kyma Application's entries live: the REST Application Registry of Kyma 1.x,
 * the {@code Application} custom resource of current Kyma, or an in-memory fake. Implementations
 * store the registration's labels and identifier and return them from {@link #list()}.
 *
 * <p>Every method throws {@link RegistryException} when the registry refuses or cannot be reached.
 */
public interface ApplicationRegistry {

    /** {@return every entry of the Application, the connector's own and everybody else's} */
    List<RegisteredEntry> list();

    /**
     * Adds an entry; returns the id the registry gave it.
     *
     * @param registration the registration
     * @return the id the registry gave the entry
     */
    String create(Registration registration);

    /**
     * Replaces the entry with this id.
     *
     * @param id the id
     * @param registration the registration
     */
    void update(String id, Registration registration);

    /**
     * Removes the entry with this id.
     *
     * @param id the id
     */
    void delete(String id);

    /**
     * How many writes this registry takes at once. The reconciler never sends more in parallel.
     * The default, 1, suits a registry that rewrites one shared document per write.
     *
     * @return how many writes this registry takes at once
     */
    default int maxConcurrentWrites() {
        return 1;
    }
}
