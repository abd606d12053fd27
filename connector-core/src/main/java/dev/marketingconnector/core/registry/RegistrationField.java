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
    NAME("name", Registration::name),
    DESCRIPTION("description", Registration::description),
    PROVIDER("provider", Registration::provider),
    /** Every label the connector writes must be there with its value; labels added by others do not count. */
    LABELS("labels", Registration::labels),
    TARGET_URL("api.targetUrl", api(a -> a.targetUrl().toString())),
    SPECIFICATION_URL("api.specificationUrl", api(a -> a.specificationUrl().toString())),
    API_TYPE("api.apiType", api(ApiRegistration::apiType)),
    CREDENTIALS_TYPE("api.credentials.type", api(a -> a.credentials() instanceof BasicCredentials ? "basic" : "oauth")),
    USERNAME("api.credentials.username", basic(BasicCredentials::username)),
    PASSWORD("api.credentials.password", basic(b -> b.password().reveal())),
    CSRF_URL("api.credentials.csrfTokenEndpoint", basic(b -> b.csrfTokenEndpoint().map(Object::toString).orElse(""))),
    TOKEN_URL("api.credentials.tokenUrl", oauth(o -> o.tokenUrl().toString())),
    CLIENT_ID("api.credentials.clientId", oauth(OAuthCredentials::clientId)),
    CLIENT_SECRET("api.credentials.clientSecret", oauth(o -> o.clientSecret().reveal())),
    EVENTS_SPEC("events.spec", r -> r instanceof EventCatalogRegistration events ? events.asyncApiView() : null);

    private final String path;
    private final Function<Registration, Object> value;

    RegistrationField(String path, Function<Registration, Object> value) {
        this.path = path;
        this.value = value;
    }

    /** The name shown in plans and tables, e.g. {@code api.targetUrl}. */
    public String path() {
        return path;
    }

    /**
     * The fields in which {@code live} differs from {@code desired}, in declaration order, leaving out
     * the {@code hidden} ones (those a registry does not show, such as a masked password). Entries of
     * different kinds differ in {@link #KIND} only.
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
