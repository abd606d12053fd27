package dev.marketingconnector.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** connector-bom has no parent (so that importing it brings no build settings); its versions must still be the build's. */
class BomAlignmentTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void everyVersionTheBomManagesIsTheOneTheBuildUses() throws Exception {
        Map<String, String> parent = properties(read(ROOT.resolve("pom.xml")));
        Map<String, String> bom = properties(read(ROOT.resolve("connector-bom/pom.xml")));
        bom.remove("project.build.sourceEncoding");
        bom.remove("reactive-streams.version");

        assertThat(bom).isNotEmpty();
        bom.forEach((name, version) -> assertThat(parent).as("the parent's " + name).containsEntry(name, version));
    }

    @Test
    void theBomListsEveryLibraryModuleAtTheBuildsVersion() throws Exception {
        Document parent = read(ROOT.resolve("pom.xml"));
        Document bom = read(ROOT.resolve("connector-bom/pom.xml"));
        List<String> modules = texts(parent, "module");
        List<String> managed = new ArrayList<>();
        NodeList dependencies = bom.getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (child(dependency, "groupId").equals("dev.marketingconnector")) {
                managed.add(child(dependency, "artifactId"));
            }
        }

        assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(child(parent.getDocumentElement(), "version"));
        assertThat(managed).containsAll(modules.stream().filter(m -> !m.equals("connector-bom") && !m.equals("connector-examples")).toList())
                .contains("connector-disk", "connector-nats");
    }

    private static Document read(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
    }

    private static Map<String, String> properties(Document pom) {
        Map<String, String> properties = new LinkedHashMap<>();
        Node block = pom.getDocumentElement().getElementsByTagName("properties").item(0);
        NodeList children = block.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element property) {
                properties.put(property.getTagName(), property.getTextContent().strip());
            }
        }
        return properties;
    }

    private static List<String> texts(Document pom, String tag) {
        List<String> texts = new ArrayList<>();
        NodeList nodes = pom.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent().strip());
        }
        return texts;
    }

    private static String child(Element element, String tag) {
        NodeList children = element.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child && child.getTagName().equals(tag)) {
                return child.getTextContent().strip();
            }
        }
        return "";
    }
}
