package dev.marketingconnector.core.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registration.OAuthCredentials;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistrationFieldTest {

    private static final URI TARGET = URI.create("https://tenant.example.com/sap/opu/odata/sap/API_A");

    private static ApiRegistration api(String name, URI target, String password, Map<String, String> labels) {
        return new ApiRegistration("p:/A", name, "about A", "SAP", target, URI.create(target + "/$metadata"), "OData",
                new BasicCredentials("USER", Secret.of(password), Optional.of(target)), labels);
    }

    @Test
    void namesEachDifferingFieldInOrder() {
        ApiRegistration desired = api("Api A", TARGET, "secret-1", Map.of("team", "mkt"));
        ApiRegistration live = api("Edited", URI.create("https://elsewhere.example.com/api"), "typed-by-hand", Map.of("team", "mkt"));

        assertThat(RegistrationField.differing(desired, live, Set.of())).containsExactly(RegistrationField.NAME,
                RegistrationField.TARGET_URL, RegistrationField.SPECIFICATION_URL, RegistrationField.PASSWORD,
                RegistrationField.CSRF_URL);
        assertThat(RegistrationField.differing(desired, desired, Set.of())).isEmpty();
    }

    @Test
    void hiddenFieldsNeverDrift() {
        ApiRegistration desired = api("Api A", TARGET, "secret-1", Map.of());
        ApiRegistration masked = api("Api A", TARGET, "********", Map.of());

        assertThat(RegistrationField.differing(desired, masked, Set.of(RegistrationField.PASSWORD))).isEmpty();
        assertThat(new LiveContent(masked, Set.of(RegistrationField.PASSWORD), List.of("entry.centralGatewayUrl")).driftFrom(desired))
                .containsExactly("entry.centralGatewayUrl");
    }

    @Test
    void labelsOthersAddedAreNoDriftButAChangedOrMissingOneIs() {
        ApiRegistration desired = api("Api A", TARGET, "s", Map.of("team", "mkt", "tier", "1"));

        assertThat(RegistrationField.differing(desired, api("Api A", TARGET, "s", Map.of("team", "mkt", "tier", "1",
                "connected-app", "mkt-prod")), Set.of())).isEmpty();
        assertThat(RegistrationField.differing(desired, api("Api A", TARGET, "s", Map.of("team", "web", "tier", "1")), Set.of()))
                .containsExactly(RegistrationField.LABELS);
        assertThat(RegistrationField.differing(desired, api("Api A", TARGET, "s", Map.of("team", "mkt")), Set.of()))
                .containsExactly(RegistrationField.LABELS);
    }

    @Test
    void anEntryOfTheOtherKindDiffersInKindOnly() {
        EventCatalogRegistration events = EventCatalogRegistration.of(ServiceCatalog.marketing());

        assertThat(RegistrationField.differing(api("Api A", TARGET, "s", Map.of()), events, Set.of()))
                .containsExactly(RegistrationField.KIND);
    }

    @Test
    void oauthCredentialsAreComparedByTheirOwnFields() {
        ApiRegistration basic = api("Api A", TARGET, "s", Map.of());
        ApiRegistration oauth = new ApiRegistration("p:/A", "Api A", "about A", "SAP", TARGET, URI.create(TARGET + "/$metadata"),
                "OData", new OAuthCredentials(URI.create("https://auth.example.com/token"), "client", Secret.of("x")), Map.of());
        ApiRegistration otherSecret = new ApiRegistration("p:/A", "Api A", "about A", "SAP", TARGET, URI.create(TARGET + "/$metadata"),
                "OData", new OAuthCredentials(URI.create("https://auth.example.com/token"), "client", Secret.of("y")), Map.of());

        assertThat(RegistrationField.differing(basic, oauth, Set.of())).contains(RegistrationField.CREDENTIALS_TYPE,
                RegistrationField.USERNAME, RegistrationField.TOKEN_URL);
        assertThat(RegistrationField.differing(oauth, otherSecret, Set.of())).containsExactly(RegistrationField.CLIENT_SECRET);
    }

    @Test
    void theEventCatalogIsComparedAsJson() {
        EventCatalogRegistration events = EventCatalogRegistration.of(ServiceCatalog.marketing());
        var changed = events.asyncApi();
        changed.put("info", "edited");

        assertThat(RegistrationField.differing(events, new EventCatalogRegistration(events.identifier(), events.name(),
                events.description(), events.provider(), changed, events.labels()), Set.of())).containsExactly(RegistrationField.EVENTS_SPEC);
    }
}
