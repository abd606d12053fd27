package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.OAuthCredentials;
import dev.marketingconnector.core.registration.Registration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The fields of a registration the reconciler compares with what a registry holds, each with the name
 * it has in plans and result tables ({@code drift: name, api.targetUrl}). Values are compared, never
 * shown: the password and client secret fields carry secrets.
 */
public enum RegistrationField {
    /** API or event catalog. */
    KIND("kind", r -> r instanceof ApiRegistration ? "api" : "events"),
    /** The entry's name. */
    NAME("name", Registration::name),
    /** The description shown in Kyma. */
    DESCRIPTION("description", Registration::description),
    /** The provider display name. */
    PROVIDER("provider", Registration::provider),
    /** Every label the connector writes must be there with its value; labels added by others do not count. */
    LABELS("labels", Registration::labels),
    /** The API's target URL. */
    TARGET_URL("api.targetUrl", api(a -> a.targetUrl().toString())),
    /** Where the API's specification ({@code $metadata}) is read from. */
    SPECIFICATION_URL("api.specificationUrl", api(a -> a.specificationUrl().toString())),
    /** The API type, e.g. OData. */
    API_TYPE("api.apiType", api(ApiRegistration::apiType)),
    /** Basic or OAuth credentials. */
    CREDENTIALS_TYPE("api.credentials.type", api(a -> a.credentials() instanceof BasicCredentials ? "basic" : "oauth")),
    /** The basic-auth user name. */
    USERNAME("api.credentials.username", basic(BasicCredentials::username)),
    /** The basic-auth password (a secret: compared, never shown). */
    PASSWORD("api.credentials.password", basic(b -> b.password().reveal())),
    /** The CSRF token endpoint. */
    CSRF_URL("api.credentials.csrfTokenEndpoint", basic(b -> b.csrfTokenEndpoint().map(Object::toString).orElse(""))),
    /** The OAuth token URL. */
    TOKEN_URL("api.credentials.tokenUrl", oauth(o -> o.tokenUrl().toString())),
    /** The OAuth client id. */
    CLIENT_ID("api.credentials.clientId", oauth(OAuthCredentials::clientId)),
    /** The OAuth client secret (a secret: compared, never shown). */
    CLIENT_SECRET("api.credentials.clientSecret", oauth(o -> o.clientSecret().reveal())),
    /** The event catalog (AsyncAPI document). */
    EVENTS_SPEC("events.spec", r -> r instanceof EventCatalogRegistration events ? events.asyncApiView() : null);

    private final String path;
    private final Function<Registration, Object> value;

    RegistrationField(String path, Function<Registration, Object> value) {
        this.path = path;
        this.value = value;
    }

    /** {@return the name shown in plans and tables, e.g. {@code api.targetUrl}} */
    public String path() {
        return path;
    }

    /**
     * The fields in which {@code live} differs from {@code desired}, in declaration order, leaving out
     * the {@code hidden} ones (those a registry does not show, such as a masked password). Entries of
     * different kinds differ in {@link #KIND} only.
     *
     * @param desired what the connector would write
     * @param live    what the registry holds
     * @param hidden  fields the registry does not show, left out of the comparison
     * @return the differing fields, empty when the two agree
     */
    public static List<RegistrationField> differing(Registration desired, Registration live, Set<RegistrationField> hidden) {
        Objects.requireNonNull(desired, "desired");
        Objects.requireNonNull(live, "live");
        if (!KIND.value.apply(desired).equals(KIND.value.apply(live))) {
            return List.of(KIND);
        }
        List<RegistrationField> differing = new ArrayList<>();
        for (RegistrationField field : values()) {
            if (!hidden.contains(field) && !field.matches(desired, live)) {
                differing.add(field);
            }
        }
        return differing;
    }

    private boolean matches(Registration desired, Registration live) {
        Object wanted = value.apply(desired);
        Object found = value.apply(live);
        if (this == LABELS) {
            Map<?, ?> have = (Map<?, ?>) found;
            return ((Map<?, ?>) wanted).entrySet().stream().allMatch(e -> Objects.equals(have.get(e.getKey()), e.getValue()));
        }
        return Objects.equals(wanted, found);
    }

    private static Function<Registration, Object> api(Function<ApiRegistration, Object> field) {
        return r -> r instanceof ApiRegistration api ? field.apply(api) : null;
    }

    private static Function<Registration, Object> basic(Function<BasicCredentials, Object> field) {
        return r -> r instanceof ApiRegistration api && api.credentials() instanceof BasicCredentials basic ? field.apply(basic) : null;
    }

    private static Function<Registration, Object> oauth(Function<OAuthCredentials, Object> field) {
        return r -> r instanceof ApiRegistration api && api.credentials() instanceof OAuthCredentials oauth ? field.apply(oauth) : null;
    }
}
