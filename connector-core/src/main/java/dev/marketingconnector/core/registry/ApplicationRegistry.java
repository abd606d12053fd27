package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.registration.Registration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The port to where a Kyma Application's entries live: the REST Application Registry of Kyma 1.x,
 * the {@code Application} custom resource of current Kyma, or an in-memory fake. Implementations
 * store the registration's labels and identifier and return them from {@link #list()}, and show
 * what an entry holds now through {@link #read(Collection)}, so hand edits are found and repaired.
 *
 * <p>Every method throws {@link RegistryException} when the registry refuses or cannot be reached.
 */
public interface ApplicationRegistry {

    /** {@return every entry of the Application, the connector's own and everybody else's} */
    List<RegisteredEntry> list();

    /**
     * What the registry holds now for the entries with these ids, each as {@link LiveContent} (the
     * content as a registration, the fields it does not show, drift in fields of its own), by id. An id
     * it does not know is left out. The reconciler reads back only the connector's own entries that it
     * would otherwise leave unchanged, and compares them field by field with what should be there.
     *
     * <p>The default reads nothing: the reconciler then trusts the fingerprint label it wrote, and
     * hand edits to an entry go unnoticed. A registry that reads one entry per request should read
     * them in bounded parallel.
     *
     * @param ids registry ids of entries the connector owns
     * @return the live content of each known id, by id
     */
    default Map<String, LiveContent> read(Collection<String> ids) {
        return Map.of();
    }

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

    /**
     * How many creates this registry has sent again, since it was made, after an attempt whose outcome
     * it could not learn (the answer was lost): only such a create can leave a second entry behind. The
     * reconciler lists the Application once more after its creates, to delete such a second entry, only
     * when this count grew during its writes. The default, empty, means the registry cannot tell, and the
     * reconciler always checks; a registry whose creates cannot land twice (ids it chooses itself) says 0.
     *
     * @return the number of creates sent again, or empty when unknown
     */
    default OptionalLong resentCreates() {
        return OptionalLong.empty();
    }
}
