package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.registration.Registration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a registry holds for one entry right now, read back for comparing field by field with what
 * should be there (see {@link ApplicationRegistry#read}).
 *
 * @param registration  the entry's content as a registration, labels included
 * @param hidden        fields the registry does not show or does not store (a masked password, an
 *                      event catalog kept only as a URL): never reported as drift
 * @param registryDrift fields outside the {@link Registration} model that only this registry writes
 *                      and that differ from what it would write, by the registry's own names (e.g. an
 *                      {@code Application} entry's {@code centralGatewayUrl}); reported as drift too
 */
public record LiveContent(Registration registration, Set<RegistrationField> hidden, List<String> registryDrift) {

    /**
     * Copies the sets and lists; {@code registration} must not be null.
     *
     * @param registration the registration
     * @param hidden the hidden
     * @param registryDrift the registry drift
     */
    public LiveContent {
        Objects.requireNonNull(registration, "registration");
        hidden = hidden.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(hidden));
        registryDrift = List.copyOf(registryDrift);
    }

    /**
     * Content the registry shows in full.
     *
     * @param registration what the registry holds
     * @return content with nothing hidden and no registry-only drift
     */
    public static LiveContent of(Registration registration) {
        return new LiveContent(registration, Set.of(), List.of());
    }

    /**
     * The names of the fields in which this content differs from {@code desired} (a registration marked
     * with the connector's labels): the model's fields in {@link RegistrationField} order, then the
     * registry's own. Empty when the entry is as it should be.
     *
     * @param desired what the connector would write
     * @return the drifted field names ({@link RegistrationField#path()} and registry-only names), empty when none
     */
    public List<String> driftFrom(Registration desired) {
        List<String> drift = new ArrayList<>();
        RegistrationField.differing(desired, registration, hidden).forEach(f -> drift.add(f.path()));
        drift.addAll(registryDrift);
        return drift;
    }
}
