package dev.marketingconnector.odata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.discovery.ServiceMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EdmxMetadataParserTest {

    private static final String MARKETING = "/dev/marketingconnector/odata/testing/metadata/";
    private static final String C4C = "/dev/marketingconnector/odata/c4codataapi.metadata.xml";

    /** Expected counts taken from the files with {@code grep -o '<EntitySet ' | wc -l} (and {@code <FunctionImport }). */
    @ParameterizedTest(name = "{0}: {1} entity sets, {2} function imports")
    @CsvSource({
        "API_MKT_AGREEMENT_SRV, 3, 0",
        "API_MKT_CAMPAIGN_MESSAGE_SRV, 6, 1",
        "API_MKT_CAMPAIGN_SRV, 11, 1",
        "API_MKT_CAMPAIGN_TEMPLATE_SRV, 4, 0",
        "API_MKT_CMPGN_SUCCESS_IMPORT_SRV, 1, 0",
        "API_MKT_CONTACT_SRV, 8, 6",
        "API_MKT_CORPORATE_ACCOUNT_SRV, 7, 5",
        "API_MKT_COUPON_SRV, 4, 4",
        "API_MKT_EXPORT_DEFINITION_SRV, 1, 0",
        "API_MKT_EXTERNAL_RECMDN_SRV, 6, 0",
        "API_MKT_INTERACTION_CONTACT_SRV, 7, 5",
        "API_MKT_INTERACTION_SRV, 8, 0",
        "API_MKT_LOCATION_SRV, 4, 0",
        "API_MKT_LOYALTY_SRV_01, 3, 0",
        "API_MKT_OFFER_SRV, 9, 0",
        "API_MKT_PRODCAT_HIERARCHY_SRV, 4, 0",
        "API_MKT_PRODUCT_SRV, 6, 2",
        "API_MKT_PROGRAM_SRV, 5, 0",
        "API_MKT_SCORE_SRV, 4, 0",
        "API_MKT_TARGET_GROUP_SRV, 2, 1",
        "CUAN_BUSINESS_DOCUMENT_IMP_SRV, 9, 0",
        "CUAN_BUSINESS_PARTNER_IMPORT_SRV, 3, 1",
        "CUAN_IMPORT_SRV, 20, 0",
        "CUAN_OFFER_DISCOVERY_SRV, 26, 1",
        "CUAN_OFFER_IMPORT_SRV, 16, 0",
        "CUAN_SURVEY_IMPORT_SRV, 6, 0",
    })
    void parsesEveryMarketingMetadataDocument(String service, int entitySets, int functionImports) throws IOException {
        ServiceMetadata metadata = parseResource(MARKETING + service + ".xml");

        assertThat(metadata.namespace()).isEqualTo(service);
        assertThat(metadata.entitySets()).hasSize(entitySets).doesNotHaveDuplicates();
        assertThat(metadata.functionImports()).hasSize(functionImports);
    }

    @Test
    void namesEntitySetsAndFunctionImportsAsTheDocumentDoes() throws IOException {
        ServiceMetadata agreements = parseResource(MARKETING + "API_MKT_AGREEMENT_SRV.xml");
        ServiceMetadata targetGroups = parseResource(MARKETING + "API_MKT_TARGET_GROUP_SRV.xml");

        assertThat(agreements.entitySets()).containsExactlyInAnyOrder("AgrmtAdditionalExtIDs", "Agreements", "AgreementTerms");
        assertThat(targetGroups.functionImports()).hasSize(1);
    }

    @Test
    void labelsEntitySetsWithTheirOwnOrTheirEntityTypesSapLabel() throws IOException {
        ServiceMetadata templates = parseResource(MARKETING + "API_MKT_CAMPAIGN_TEMPLATE_SRV.xml");

        assertThat(templates.entitySetLabels()).containsEntry("CampaignTemplates", "Marketing: Campaign Template");
        assertThat(templates.entitySetLabels().keySet()).isSubsetOf(templates.entitySets());
    }

    @Test
    void parsesTheTwoMegabyteCloudForCustomerDocument() throws IOException {
        ServiceMetadata metadata = parseResource(C4C);

        assertThat(metadata.namespace()).isEqualTo("c4codata");
        assertThat(metadata.entitySets()).hasSize(1669);
        assertThat(metadata.functionImports()).hasSize(27);
    }

    @Test
    void readsTheServiceLabelOfTheEntityContainer() {
        ServiceMetadata labelled = EdmxMetadataParser.parse(minimal("sap:label=\"Marketing Things\""), "labelled");
        ServiceMetadata unlabelled = EdmxMetadataParser.parse(minimal(""), "unlabelled");

        assertThat(labelled.label()).contains("Marketing Things");
        assertThat(labelled.namespace()).isEqualTo("ZTHINGS_SRV");
        assertThat(labelled.entitySets()).containsExactly("Things");
        assertThat(unlabelled.label()).isEmpty();
    }

    @Test
    void truncatedDocumentFailsWithTheParsersMessage() throws IOException {
        byte[] document = readResource(MARKETING + "API_MKT_CONTACT_SRV.xml");
        byte[] truncated = Arrays.copyOf(document, document.length / 2);

        assertThatThrownBy(() -> EdmxMetadataParser.parse(truncated, "API_MKT_CONTACT_SRV/$metadata"))
                .isInstanceOfSatisfying(InvalidMetadataException.class, e -> {
                    assertThat(e.source()).isEqualTo("API_MKT_CONTACT_SRV/$metadata");
                    assertThat(e.getMessage()).contains("API_MKT_CONTACT_SRV/$metadata").contains("must be terminated");
                    assertThat(e.parserMessage()).contains("ParseError at [row,col]");
                    assertThat(e.getCause().getClass().getName()).startsWith("org.apache.olingo.");
                });
    }

    @Test
    void documentThatIsNotXmlFails() {
        assertThatThrownBy(() -> EdmxMetadataParser.parse("{\"d\":{}}".getBytes(StandardCharsets.UTF_8), "json"))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("Content is not allowed in prolog");
    }

    @Test
    void xmlThatIsNotEdmxFails() {
        assertThatThrownBy(() -> EdmxMetadataParser.parse("<html><body>Logon</body></html>".getBytes(StandardCharsets.UTF_8), "html"))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("Edmx");
    }

    @Test
    void documentWithDanglingTypeReferenceFails() {
        String broken = new String(minimal(""), StandardCharsets.UTF_8).replace("EntityType=\"ZTHINGS_SRV.Thing\"", "EntityType=\"ZTHINGS_SRV.Missing\"");

        assertThatThrownBy(() -> EdmxMetadataParser.parse(broken.getBytes(StandardCharsets.UTF_8), "dangling"))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageContaining("dangling");
    }

    @Test
    void doesNotResolveExternalEntities(@TempDir Path folder) throws IOException {
        Path secret = folder.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        String document = "<?xml version=\"1.0\"?><!DOCTYPE edmx:Edmx [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + new String(minimal(""), StandardCharsets.UTF_8).substring("<?xml version=\"1.0\" encoding=\"utf-8\"?>".length())
                        .replace("Namespace=\"ZTHINGS_SRV\"", "Namespace=\"ZTHINGS_SRV&x;\"");

        assertThatThrownBy(() -> EdmxMetadataParser.parse(document.getBytes(StandardCharsets.UTF_8), "xxe"))
                .isInstanceOf(InvalidMetadataException.class)
                .hasMessageNotContaining("TOP-SECRET-CONTENT");
    }

    @Test
    void leavesTheStreamOpen() throws IOException {
        try (InputStream in = EdmxMetadataParserTest.class.getResourceAsStream(MARKETING + "API_MKT_SCORE_SRV.xml")) {
            assertThat(EdmxMetadataParser.parse(in).entitySets()).hasSize(4);
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    static byte[] minimal(String containerAttributes) {
        return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>"
                + "<edmx:Edmx Version=\"1.0\" xmlns:edmx=\"http://schemas.microsoft.com/ado/2007/06/edmx\""
                + " xmlns:m=\"http://schemas.microsoft.com/ado/2007/08/dataservices/metadata\" xmlns:sap=\"http://www.sap.com/Protocols/SAPData\">"
                + "<edmx:DataServices m:DataServiceVersion=\"2.0\">"
                + "<Schema Namespace=\"ZTHINGS_SRV\" xmlns=\"http://schemas.microsoft.com/ado/2008/09/edm\">"
                + "<EntityType Name=\"Thing\"><Key><PropertyRef Name=\"ID\"/></Key>"
                + "<Property Name=\"ID\" Type=\"Edm.String\" Nullable=\"false\" sap:label=\"Thing ID\"/></EntityType>"
                + "<EntityContainer Name=\"ZTHINGS_SRV_Entities\" m:IsDefaultEntityContainer=\"true\" " + containerAttributes + ">"
                + "<EntitySet Name=\"Things\" EntityType=\"ZTHINGS_SRV.Thing\" sap:label=\"Things\"/>"
                + "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>").getBytes(StandardCharsets.UTF_8);
    }

    private static ServiceMetadata parseResource(String resource) throws IOException {
        return EdmxMetadataParser.parse(readResource(resource), resource);
    }

    private static byte[] readResource(String resource) throws IOException {
        try (InputStream in = EdmxMetadataParserTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return in.readAllBytes();
        }
    }
}
