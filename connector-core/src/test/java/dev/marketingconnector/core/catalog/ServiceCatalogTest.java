package dev.marketingconnector.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.marketingconnector.core.communication.CommunicationScenario;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServiceCatalogTest {

    @Test
    void marketingCatalogHasTheTwentyNineServicesAndEightScenarios() {
        ServiceCatalog catalog = ServiceCatalog.marketing();

        assertThat(catalog.product()).isEqualTo("sap-marketing-cloud");
        assertThat(catalog.services()).hasSize(29);
        assertThat(catalog.scenarios()).extracting(CommunicationScenario::id).containsExactlyInAnyOrder(
                "SAP_COM_0207", "SAP_COM_0204", "SAP_COM_0206", "SAP_COM_0171", "SAP_COM_0300", "SAP_COM_0003", "SAP_COM_0306",
                "SAP_COM_0092");
        assertThat(catalog.scenario("SAP_COM_0092")).get().satisfies(s -> assertThat(s.eventChannel()).isTrue());
        assertThat(catalog.services()).allSatisfy(s -> {
            assertThat(s.path()).startsWith("/sap/opu/odata/sap/" + s.name()).doesNotEndWith("/");
            assertThat(s.displayName()).isNotBlank();
            assertThat(s.description()).isNotBlank();
        });
    }

    @Test
    void versionedServicesKeepTheirMatrixParameter() {
        ServiceCatalog catalog = ServiceCatalog.marketing();

        assertThat(catalog.service("API_MKT_CONTACT_SRV;v=0002")).get().satisfies(s -> {
            assertThat(s.version()).contains("0002");
            assertThat(s.path()).isEqualTo("/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002");
            assertThat(s.scenario()).isEqualTo("SAP_COM_0207");
        });
        assertThat(catalog.services()).filteredOn(s -> s.version().isPresent()).extracting(CatalogService::name)
                .containsExactlyInAnyOrder("API_MKT_CONTACT_SRV", "API_MKT_CAMPAIGN_SRV", "API_MKT_INTERACTION_CONTACT_SRV",
                        "API_MKT_PRODUCT_SRV", "API_MKT_CORPORATE_ACCOUNT_SRV");
    }

    @Test
    void marketingEventCatalogListsTheBusinessEvents() {
        ServiceCatalog catalog = ServiceCatalog.marketing();

        assertThat(catalog.eventCatalog().path("asyncapi").asText()).isEqualTo("1.0.0");
        assertThat(catalog.eventTopics()).contains("bo.marketingpermission.changed.v1", "bo.marketingcampaign.completed.v1")
                .hasSize(6);
    }

    @Test
    void identifiersComeFromProductAndPathNotDisplayName() {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        CatalogService contacts = catalog.service("API_MKT_CONTACT_SRV;v=0002").orElseThrow();

        assertThat(catalog.identifierFor(contacts)).isEqualTo("sap-marketing-cloud:/sap/opu/odata/sap/API_MKT_CONTACT_SRV;v=0002");
        assertThat(catalog.eventCatalogIdentifier()).isEqualTo("sap-marketing-cloud:events");
    }

    @Test
    void eventCatalogIsACopyCallersCannotCorrupt() {
        ServiceCatalog catalog = ServiceCatalog.marketing();
        catalog.eventCatalog().removeAll();

        assertThat(catalog.eventTopics()).hasSize(6);
    }

    @Test
    void loadsAnotherProductsCatalogWithPathPrefixAndExplicitPaths() {
        ServiceCatalog catalog = ServiceCatalog.fromClasspath("/catalogs/minimal.json");

        assertThat(catalog.service("ACCOUNTS_SRV;v=0003")).map(CatalogService::path).contains("/odata/ACCOUNTS_SRV;v=0003");
        assertThat(catalog.service("ORDERS")).map(CatalogService::path).contains("/custom/orders");
        assertThat(catalog.service("ORDERS")).map(CatalogService::version).contains(Optional.empty());
        assertThat(catalog.eventTopics()).containsExactly("account.created.v1", "order.shipped.v2");
        assertThat(catalog.description()).isEqualTo("Acme CRM");
    }

    @Test
    void loadsFromAFileWithItsEventCatalogBesideIt(@TempDir Path dir) throws IOException, URISyntaxException {
        Path source = Path.of(getClass().getResource("/catalogs/minimal.json").toURI()).getParent();
        Files.copy(source.resolve("minimal.json"), dir.resolve("acme.json"));
        Files.copy(source.resolve("events.json"), dir.resolve("events.json"));

        assertThat(ServiceCatalog.fromFile(dir.resolve("acme.json")).services()).hasSize(2);
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nowhere.json");

        CatalogException e = catchThrowableOfType(CatalogException.class, () -> ServiceCatalog.fromFile(missing));

        assertThat(e.source()).isEqualTo(missing.toString());
        assertThat(e.getMessage()).contains("nowhere.json", "not found");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing-display-name.json       | $.services[1].displayName  | missing",
            "bad-version.json                | $.services[0].version      | must be four digits",
            "unknown-service.json            | $.scenarios[0].services[2] | GHOST_SRV",
            "missing-event-catalog.json      | $.eventCatalog             | nope.json",
            "services-not-array.json         | $.services                 | must be an array",
            "service-without-scenario.json   | $.services[2]              | belongs to no scenario",
            "duplicate-service.json          | $.services[2].name         | listed twice",
            "event-catalog-not-asyncapi.json | $.asyncapi                 | not an AsyncAPI document",
            "broken.json                     | line 4                     | not valid JSON"})
    void malformedCatalogNamesTheFileAndTheJsonPath(String file, String path, String problem) {
        CatalogException e = catchThrowableOfType(CatalogException.class, () -> ServiceCatalog.fromClasspath("/catalogs/" + file));

        assertThat(e).as("loading %s", file).isNotNull();
        assertThat(e.jsonPath()).contains(path);
        assertThat(e.getMessage()).contains(problem);
        assertThat(e.source()).endsWith(file.equals("event-catalog-not-asyncapi.json") ? "not-asyncapi.json" : file);
    }
}
