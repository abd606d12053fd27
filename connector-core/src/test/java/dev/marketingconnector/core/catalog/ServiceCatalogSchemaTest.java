package dev.marketingconnector.core.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The catalog format's JSON Schema and {@link ServiceCatalog}'s parser agree on every catalog the
 * project has: the test catalogs, the bundled Marketing catalog, the Cloud for Customer catalog of the
 * examples and the invented ACME catalog of the test kit. Where the parser refuses a catalog the schema
 * refuses it at the same JSON path, except for the rules a schema cannot express, listed here.
 */
class ServiceCatalogSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path TEST_CATALOGS = Path.of("src", "test", "resources", "catalogs");
    private static final Path ROOT = Path.of("..");

    /** Rejected by the parser for what only it checks; the schema accepts these files. */
    private static final Map<String, String> BEYOND_THE_SCHEMA = Map.of(
            "duplicate-service.json", "a service listed twice",
            "service-without-scenario.json", "a service that no scenario opens",
            "unknown-service.json", "a scenario naming a service that is not listed",
            "missing-event-catalog.json", "an event catalog file that does not exist",
            "event-catalog-not-asyncapi.json", "an event catalog file that is not AsyncAPI");

    private static final JsonSchema SCHEMA = schema();

    private static JsonSchema schema() {
        try (InputStream in = ServiceCatalog.class.getResourceAsStream(ServiceCatalog.SCHEMA_RESOURCE)) {
            assertThat(in).as(ServiceCatalog.SCHEMA_RESOURCE).isNotNull();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in, SchemaValidatorsConfig.builder().pathType(PathType.JSON_PATH).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Path> catalogs() throws IOException {
        List<Path> files = new ArrayList<>();
        Set<String> eventCatalogs;
        try (Stream<Path> listing = Files.list(TEST_CATALOGS)) {
            listing.filter(p -> p.toString().endsWith(".json")).sorted().forEach(files::add);
        }
        eventCatalogs = files.stream().map(ServiceCatalogSchemaTest::eventCatalogOf).filter(name -> !name.isEmpty())
                .collect(Collectors.toSet());
        files.removeIf(p -> eventCatalogs.contains(p.getFileName().toString()));
        files.add(Path.of("src", "main", "resources").resolve(ServiceCatalog.MARKETING_RESOURCE.substring(1)));
        files.add(ROOT.resolve("connector-examples/src/main/resources/dev/marketingconnector/examples/c4c/cloud-for-customer.json"));
        files.add(ROOT.resolve("connector-testkit/src/test/resources/acme/crm.json"));
        files.forEach(f -> assertThat(f).exists());
        return files.stream();
    }

    private static String eventCatalogOf(Path file) {
        try {
            return JSON.readTree(file.toFile()).path("eventCatalog").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogs")
    void theSchemaAndTheParserAgree(Path file) throws IOException {
        String name = file.getFileName().toString();
        CatalogException refused = null;
        try {
            ServiceCatalog.fromFile(file);
        } catch (CatalogException e) {
            refused = e;
        }
        JsonNode document;
        try {
            document = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            assertThat(refused).as("the parser refuses what is not JSON").isNotNull();
            assertThat(refused.jsonPath()).startsWith("$ (line ");
            return;
        }
        List<String> schemaProblems = problems(SCHEMA.validate(document));

        if (refused == null) {
            assertThat(schemaProblems).as("the parser accepts %s, so must the schema", name).isEmpty();
        } else if (BEYOND_THE_SCHEMA.containsKey(name)) {
            assertThat(schemaProblems).as("%s is refused only for %s", name, BEYOND_THE_SCHEMA.get(name)).isEmpty();
        } else {
            assertThat(schemaProblems).as("the parser refuses %s at %s", name, refused.jsonPath()).contains(refused.jsonPath());
        }
    }

    /** Where each problem is, as the parser names it: the location, and for a missing field the field's own path. */
    private static List<String> problems(Set<ValidationMessage> messages) {
        return messages.stream()
                .map(m -> "required".equals(m.getType()) ? m.getInstanceLocation() + "." + m.getProperty() : m.getInstanceLocation().toString())
                .sorted()
                .toList();
    }

    @Test
    void theSchemaRefusesWhatTheParserRefusesForEachFieldRule() throws IOException {
        JsonNode valid = JSON.readTree(TEST_CATALOGS.resolve("minimal.json").toFile());
        Map<String, String> edits = Map.of(
                "$.product", "{\"product\": \"Acme CRM\"}",
                "$.servicePathPrefix", "{\"servicePathPrefix\": \"odata\"}",
                "$.services[0].name", "{\"services\": [{\"name\": \"ACCOUNTS SRV\", \"displayName\": \"A\", \"description\": \"a\"}]}",
                "$.services[0].path", "{\"services\": [{\"name\": \"A\", \"path\": \"relative\", \"displayName\": \"A\", \"description\": \"a\"}]}",
                "$.services[0].description", "{\"services\": [{\"name\": \"A\", \"displayName\": \"A\", \"description\": \" \"}]}",
                "$.scenarios[0].services[0]", "{\"scenarios\": [{\"id\": \"S\", \"name\": \"S\", \"services\": [\"\"]}]}",
                "$.scenarios[0].services", "{\"scenarios\": [{\"id\": \"S\", \"name\": \"S\", \"services\": \"A\"}]}");
        for (Map.Entry<String, String> edit : edits.entrySet()) {
            JsonNode changed = valid.deepCopy();
            ((ObjectNode) changed).setAll((ObjectNode) JSON.readTree(edit.getValue()));
            Path file = Files.createTempDirectory("catalog").resolve("catalog.json");
            Files.writeString(file, changed.toString());
            Files.copy(TEST_CATALOGS.resolve("events.json"), file.resolveSibling("events.json"));

            CatalogException refused = catchThrowableOfType(CatalogException.class, () -> ServiceCatalog.fromFile(file));

            assertThat(refused).as(edit.getKey()).isNotNull();
            assertThat(refused.jsonPath()).isEqualTo(edit.getKey());
            assertThat(problems(SCHEMA.validate(changed))).as(edit.getKey()).contains(edit.getKey());
        }
    }
}
