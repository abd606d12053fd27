package dev.marketingconnector.examples.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renders the Helm chart in deploy/helm with Helm itself (helm-java) and checks what Kubernetes would get. */
class HelmChartTest {

    private static final String RELEASE = "mkt";
    private static final String NAMESPACE = "integration";
    private static final String FULLNAME = "mkt-marketing-connector";
    private static final String SYSTEM_URL = "https://my300000-api.s4hana.ondemand.com";
    private static final String APPLICATION = "mkt-prod";
    private static final String DOMAIN = "c-4f2a9e.kyma.example.com";
    private static final String BASIC_USER = "COMM_USER_MKT";
    private static final String BASIC_PASSWORD = "basic-Pa55word-7f3a91";
    private static final String CLIENT_ID = "sap-tenant-client";
    private static final String CLIENT_SECRET = "client-S3cret-c29e04";
    private static final String SIGNING_KEY = "signing-K3y-0b8d7c6e5f4a3b2c1d0e";

    private static final List<String> SECRET_ENV =
            List.of("BASIC_USER", "BASIC_PASSWORD", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET", "TOKEN_SIGNING_KEY");
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");
    private static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    static Path valuesDir;

    private static Rendered defaults;

    @BeforeAll
    static void renderWithTheSevenSettings() {
        defaults = render(values -> { });
    }

    @Test
    void everyDocumentIsAKubernetesObject() {
        assertThat(defaults.documents()).isNotEmpty();
        for (Doc doc : defaults.documents()) {
            assertThat(doc.node().path("apiVersion").asText()).as("apiVersion of %s", doc.source()).isNotBlank();
            assertThat(doc.node().path("kind").asText()).as("kind of %s", doc.source()).isNotBlank();
            assertThat(doc.node().path("metadata").path("name").asText()).as("name of %s", doc.source()).isNotBlank();
        }
        assertThat(defaults.documents()).extracting(doc -> doc.node().path("kind").asText())
                .contains("Secret", "Deployment", "CronJob", "Service", "VirtualService", "ServiceAccount",
                        "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");
    }

    @Test
    void deploymentRunsTheBridgeWithProbesAndScrapeAnnotations() {
        JsonNode deployment = defaults.single("Deployment");
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode container = pod.path("spec").path("containers").path(0);

        assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(texts(container.path("args"))).containsExactly("bridge");
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
        assertThat(container.path("ports").path(0).path("containerPort").asInt()).isEqualTo(8080);

        JsonNode annotations = pod.path("metadata").path("annotations");
        assertThat(annotations.path("prometheus.io/scrape").asText()).isEqualTo("true");
        assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo("8080");
        assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");

        JsonNode security = container.path("securityContext");
        assertThat(security.path("readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(security.path("allowPrivilegeEscalation").asBoolean(true)).isFalse();
        assertThat(pod.path("spec").path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.path("spec").path("terminationGracePeriodSeconds").asInt()).isPositive();
    }

    @Test
    void environmentCarriesTheSettingsAndTakesCredentialsFromTheSecret() {
        for (String workload : List.of("Deployment", "CronJob")) {
            Map<String, JsonNode> env = env(container(defaults.single(workload)));

            assertThat(env.get("SYSTEM_URL").path("value").asText()).as(workload).isEqualTo(SYSTEM_URL);
            assertThat(env.get("APPLICATION_NAME").path("value").asText()).as(workload).isEqualTo(APPLICATION);
            assertThat(env.get("CLUSTER_DOMAIN").path("value").asText()).as(workload).isEqualTo(DOMAIN);
            assertThat(env.get("ASYNCAPI_URL").path("value").asText()).as(workload)
                    .isEqualTo("http://" + FULLNAME + "." + NAMESPACE + ".svc.cluster.local:8080/asyncapi.json");
            assertThat(env).as(workload).doesNotContainKey("REGISTRY_URL");
            for (String name : SECRET_ENV) {
                JsonNode ref = env.get(name).path("valueFrom").path("secretKeyRef");
                assertThat(env.get(name).has("value")).as("%s of %s is a literal", name, workload).isFalse();
                assertThat(ref.path("name").asText()).as(name).isEqualTo(FULLNAME);
                assertThat(ref.path("key").asText()).as(name).isEqualTo(name);
            }
        }
        Map<String, String> secret = secretData(defaults.single("Secret"));
        assertThat(secret).containsEntry("BASIC_USER", BASIC_USER)
                .containsEntry("BASIC_PASSWORD", BASIC_PASSWORD)
                .containsEntry("OAUTH_CLIENT_ID", CLIENT_ID)
                .containsEntry("OAUTH_CLIENT_SECRET", CLIENT_SECRET)
                .containsEntry("TOKEN_SIGNING_KEY", SIGNING_KEY);
    }

    @Test
    void secretValuesAppearNowhereButEncodedInTheSecret() {
        for (String value : List.of(BASIC_PASSWORD, CLIENT_SECRET, SIGNING_KEY)) {
            String encoded = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
            assertThat(defaults.yaml()).doesNotContain(value);
            for (Doc doc : defaults.documents()) {
                if (!doc.node().path("kind").asText().equals("Secret")) {
                    assertThat(doc.text()).as(doc.source()).doesNotContain(encoded);
                }
            }
        }
    }

    @Test
    void cronJobRegistersOneRunAtATimeAndIsNeverAServiceEndpoint() {
        JsonNode cronJob = defaults.single("CronJob");
        JsonNode jobPod = cronJob.path("spec").path("jobTemplate").path("spec").path("template");

        assertThat(cronJob.path("spec").path("concurrencyPolicy").asText()).isEqualTo("Forbid");
        assertThat(cronJob.path("spec").path("schedule").asText()).isEqualTo("*/10 * * * *");
        assertThat(texts(container(cronJob).path("args"))).containsExactly("register");
        assertThat(jobPod.path("spec").path("serviceAccountName").asText()).isEqualTo(FULLNAME);

        JsonNode selector = defaults.single("Service").path("spec").path("selector");
        assertThat(matches(selector, jobPod.path("metadata").path("labels"))).isFalse();
        assertThat(matches(selector, defaults.single("Deployment").path("spec").path("template")
                .path("metadata").path("labels"))).isTrue();
    }

    @Test
    void serviceAndVirtualServiceRouteTheAuthAndMqttHosts() {
        JsonNode service = defaults.single("Service");
        assertThat(service.path("metadata").path("name").asText()).isEqualTo(FULLNAME);
        assertThat(service.path("spec").path("ports").path(0).path("port").asInt()).isEqualTo(8080);
        assertThat(service.path("spec").path("ports").path(0).path("name").asText()).isEqualTo("http");

        JsonNode virtualService = defaults.single("VirtualService");
        assertThat(virtualService.path("apiVersion").asText()).isEqualTo("networking.istio.io/v1beta1");
        assertThat(texts(virtualService.path("spec").path("gateways"))).containsExactly("kyma-system/kyma-gateway");
        assertThat(texts(virtualService.path("spec").path("hosts")))
                .containsExactlyInAnyOrder("auth." + DOMAIN, "mqtt." + DOMAIN);

        JsonNode auth = route(virtualService, "auth." + DOMAIN);
        assertThat(auth.path("match").findValuesAsText("exact")).containsExactly("/oauth/token", "/asyncapi.json");
        JsonNode mqtt = route(virtualService, "mqtt." + DOMAIN);
        assertThat(mqtt.path("match").findValuesAsText("exact")).contains("/");
        assertThat(mqtt.path("timeout").asText()).isEqualTo("0s");
        for (JsonNode route : List.of(auth, mqtt)) {
            JsonNode destination = route.path("route").path(0).path("destination");
            assertThat(destination.path("host").asText()).isEqualTo(FULLNAME + "." + NAMESPACE + ".svc.cluster.local");
            assertThat(destination.path("port").path("number").asInt()).isEqualTo(8080);
        }
    }

    @Test
    void rbacCoversTheApplicationAndItsCredentialSecretsInKymaSystem() {
        JsonNode clusterRole = defaults.single("ClusterRole");
        assertThat(rule(clusterRole, "applicationconnector.kyma-project.io", "applications"))
                .containsAll(List.of("get", "list", "watch", "create", "update", "patch"));
        assertBoundToServiceAccount(defaults.single("ClusterRoleBinding"), clusterRole);

        JsonNode role = defaults.single("Role");
        assertThat(role.path("metadata").path("namespace").asText()).isEqualTo("kyma-system");
        assertThat(rule(role, "", "secrets")).containsAll(List.of("get", "list", "create", "update", "patch", "delete"));
        JsonNode binding = defaults.single("RoleBinding");
        assertThat(binding.path("metadata").path("namespace").asText()).isEqualTo("kyma-system");
        assertBoundToServiceAccount(binding, role);

        // The bridge itself never talks to the Kubernetes API.
        assertThat(defaults.single("Deployment").path("spec").path("template").path("spec")
                .path("automountServiceAccountToken").asBoolean(true)).isFalse();
    }

    @Test
    void serviceMonitorOnlyWhenEnabled() {
        assertThat(defaults.ofKind("ServiceMonitor")).isEmpty();

        Rendered enabled = render(values -> values.withObject("/metrics/serviceMonitor").put("enabled", true));
        JsonNode monitor = enabled.single("ServiceMonitor");
        assertThat(monitor.path("spec").path("endpoints").path(0).path("path").asText()).isEqualTo("/metrics");
        assertThat(matches(monitor.path("spec").path("selector").path("matchLabels"),
                enabled.single("Service").path("metadata").path("labels"))).isTrue();
    }

    @Test
    void existingSecretProvidesTheCredentials() {
        Rendered rendered = render(values -> {
            ObjectNode credentials = values.withObject("/credentials");
            credentials.retain("tokenSigningKey");
            credentials.put("existingSecret", "mkt-credentials");
        });

        Map<String, JsonNode> env = env(container(rendered.single("Deployment")));
        for (String name : List.of("BASIC_USER", "BASIC_PASSWORD", "OAUTH_CLIENT_ID", "OAUTH_CLIENT_SECRET")) {
            assertThat(env.get(name).path("valueFrom").path("secretKeyRef").path("name").asText())
                    .as(name).isEqualTo("mkt-credentials");
        }
        assertThat(env.get("TOKEN_SIGNING_KEY").path("valueFrom").path("secretKeyRef").path("name").asText())
                .isEqualTo(FULLNAME);
        // The chart's own Secret then holds the signing key only.
        assertThat(secretData(rendered.single("Secret"))).containsOnlyKeys("TOKEN_SIGNING_KEY");
    }

    @Test
    void registryUrlSelectsKyma1WithoutClusterPermissions() {
        String registry = "https://gateway.kyma.example.com/mkt-prod/v1/metadata/services";
        Rendered rendered = render(values -> values.withObject("/connector").put("registryUrl", registry));

        assertThat(env(container(rendered.single("CronJob"))).get("REGISTRY_URL").path("value").asText())
                .isEqualTo(registry);
        assertThat(rendered.ofKind("ClusterRole")).isEmpty();
        assertThat(rendered.ofKind("Role")).isEmpty();
    }

    @Test
    void runModeRegistersFromTheDeploymentUnderALease() {
        Rendered rendered = render(values -> values.withObject("/registration").put("mode", "run"));

        JsonNode pod = rendered.single("Deployment").path("spec").path("template").path("spec");
        assertThat(texts(pod.path("containers").path(0).path("args"))).startsWith("run");
        assertThat(pod.path("automountServiceAccountToken").asBoolean()).isTrue();
        assertThat(rendered.ofKind("CronJob")).isEmpty();
        assertThat(rendered.ofKind("Role")).anySatisfy(role ->
                assertThat(rule(role, "coordination.k8s.io", "leases")).contains("get", "create", "update"));
    }

    @Test
    void statusPortAddsAPortAndOffAddsNone() {
        Rendered separate = render(values -> values.withObject("/connector").put("statusPort", 9090));
        assertThat(env(container(separate.single("Deployment"))).get("STATUS_PORT").path("value").asText()).isEqualTo("9090");
        assertThat(container(separate.single("Deployment")).path("ports").findValuesAsText("name")).contains("http-status");
        assertThat(separate.single("Service").path("spec").path("ports").findValuesAsText("name")).contains("http-status");

        Rendered off = render(values -> values.withObject("/connector").put("statusPort", "off"));
        assertThat(env(container(off.single("Deployment"))).get("STATUS_PORT").path("value").asText()).isEqualTo("off");
        assertThat(container(off.single("Deployment")).path("ports").findValuesAsText("name")).containsExactly("http");
        assertThat(off.single("Service").path("spec").path("ports").findValuesAsText("name")).containsExactly("http");
    }

    @Test
    void spoolIsOffByDefault() {
        Map<String, JsonNode> env = env(container(defaults.single("Deployment")));

        assertThat(env.get("SPOOL").path("value").asText()).isEqualTo("none");
        assertThat(env).doesNotContainKeys("SPOOL_DIR", "NATS_URL");
        assertThat(defaults.ofKind("StatefulSet")).isEmpty();
        assertThat(env(container(defaults.single("CronJob")))).doesNotContainKey("SPOOL");
    }

    @Test
    void diskSpoolRunsTheBridgeAsAStatefulSetWithAVolumePerReplica() {
        Rendered rendered = render(values -> values.withObject("/spool").put("mode", "disk").put("maxBytes", "512m")
                .withObject("/disk").put("size", "5Gi").put("storageClassName", "fast"));

        assertThat(rendered.ofKind("Deployment")).isEmpty();
        JsonNode statefulSet = rendered.single("StatefulSet");
        JsonNode container = container(statefulSet);
        Map<String, JsonNode> env = env(container);
        assertThat(env.get("SPOOL").path("value").asText()).isEqualTo("disk");
        assertThat(env.get("SPOOL_MAX_BYTES").path("value").asText()).isEqualTo("512m");
        assertThat(env.get("SPOOL_DIR").path("value").asText()).isEqualTo("/var/lib/marketing-connector/spool");
        assertThat(container.path("volumeMounts").findValuesAsText("mountPath")).contains("/var/lib/marketing-connector");
        JsonNode claim = statefulSet.path("spec").path("volumeClaimTemplates").path(0);
        assertThat(claim.path("metadata").path("name").asText()).isEqualTo("spool");
        assertThat(texts(claim.path("spec").path("accessModes"))).containsExactly("ReadWriteOnce");
        assertThat(claim.path("spec").path("resources").path("requests").path("storage").asText()).isEqualTo("5Gi");
        assertThat(claim.path("spec").path("storageClassName").asText()).isEqualTo("fast");
        assertThat(statefulSet.path("spec").path("serviceName").asText()).isEqualTo(FULLNAME);
        assertThat(matches(statefulSet.path("spec").path("selector").path("matchLabels"),
                rendered.single("Service").path("spec").path("selector"))).isTrue();
        assertThat(statefulSet.path("spec").path("template").path("spec").path("securityContext").path("fsGroup").asInt()).isPositive();
    }

    @Test
    void jetStreamSpoolTakesTheNatsUrlAndItsCredentialsFromASecret() {
        Rendered rendered = render(values -> values.withObject("/spool").put("mode", "jetstream")
                .withObject("/jetstream").put("url", "nats://nats.nats.svc:4222").put("credentialsSecret", "nats-creds")
                .put("credentialsFileKey", "connector.creds"));

        JsonNode deployment = rendered.single("Deployment");
        Map<String, JsonNode> env = env(container(deployment));
        assertThat(env.get("SPOOL").path("value").asText()).isEqualTo("jetstream");
        assertThat(env.get("NATS_URL").path("value").asText()).isEqualTo("nats://nats.nats.svc:4222");
        assertThat(env.get("NATS_STREAM").path("value").asText()).isEqualTo("MARKETING_CONNECTOR_EVENTS");
        for (String name : List.of("NATS_USER", "NATS_PASSWORD", "NATS_TOKEN")) {
            JsonNode ref = env.get(name).path("valueFrom").path("secretKeyRef");
            assertThat(ref.path("name").asText()).as(name).isEqualTo("nats-creds");
            assertThat(ref.path("optional").asBoolean()).as(name).isTrue();
        }
        assertThat(env.get("NATS_CREDENTIALS").path("value").asText()).isEqualTo("/etc/marketing-connector/nats/connector.creds");
        JsonNode volume = StreamSupport.stream(deployment.path("spec").path("template").path("spec").path("volumes").spliterator(), false)
                .filter(v -> v.path("name").asText().equals("nats-credentials")).findFirst().orElseThrow();
        assertThat(volume.path("secret").path("secretName").asText()).isEqualTo("nats-creds");
        assertThat(rendered.ofKind("StatefulSet")).isEmpty();
    }

    @Test
    void aSpoolModeWithoutWhatItNeedsIsRefusedByName() {
        assertThatThrownBy(() -> render(values -> values.withObject("/spool").put("mode", "jetstream")))
                .hasMessageContaining("spool.jetstream.url");
        assertThatThrownBy(() -> render(values -> values.withObject("/spool").put("mode", "kafka")))
                .hasMessageContaining("spool.mode");
    }

    @Test
    void missingSettingIsRefusedByName() {
        assertThatThrownBy(() -> render(values -> values.withObject("/connector").remove("systemUrl")))
                .hasMessageContaining("connector.systemUrl");
        assertThatThrownBy(() -> render(values -> values.withObject("/credentials").remove("basicPassword")))
                .hasMessageContaining("credentials.basicPassword");
    }

    // --- rendering -------------------------------------------------------------------------

    /**
     * The seven settings plus a signing key. The key is always given: without it the chart calls
     * {@code lookup}, which helm-java 0.0.15's template sends to whatever cluster KUBECONFIG names.
     */
    private static ObjectNode sevenSettings() {
        ObjectNode values = YAML.createObjectNode();
        values.withObject("/connector")
                .put("systemUrl", SYSTEM_URL)
                .put("applicationName", APPLICATION)
                .put("clusterDomain", DOMAIN);
        values.withObject("/credentials")
                .put("basicUser", BASIC_USER)
                .put("basicPassword", BASIC_PASSWORD)
                .put("oauthClientId", CLIENT_ID)
                .put("oauthClientSecret", CLIENT_SECRET)
                .put("tokenSigningKey", SIGNING_KEY);
        return values;
    }

    private static Rendered render(Consumer<ObjectNode> customize) {
        ObjectNode values = sevenSettings();
        customize.accept(values);
        try {
            Path file = Files.createTempFile(valuesDir, "values-", ".yaml");
            YAML.writeValue(file.toFile(), values);
            String yaml = new Helm(chartDir()).template()
                    .withName(RELEASE)
                    .withNamespace(NAMESPACE)
                    .withValuesFile(file)
                    .call();
            return Rendered.parse(yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The chart, from the module dir (Maven), the repository root (IDE) or {@code -Dchart.dir}. */
    private static Path chartDir() {
        Stream<Path> configured = Stream.ofNullable(System.getProperty("chart.dir")).map(Path::of);
        Stream<Path> conventional = Stream.of(
                Path.of("..", "deploy", "helm", "marketing-connector"),
                Path.of("deploy", "helm", "marketing-connector"));
        return Stream.concat(configured, conventional)
                .filter(dir -> Files.isRegularFile(dir.resolve("Chart.yaml")))
                .findFirst()
                .map(Path::toAbsolutePath)
                .orElseThrow(() -> new IllegalStateException(
                        "chart deploy/helm/marketing-connector not found from " + Path.of("").toAbsolutePath()
                                + "; set -Dchart.dir"));
    }

    private record Doc(String source, String text, JsonNode node) { }

    private record Rendered(String yaml, List<Doc> documents) {

        static Rendered parse(String yaml) throws IOException {
            List<Doc> documents = new ArrayList<>();
            for (String text : DOCUMENT_SEPARATOR.split(yaml)) {
                JsonNode node = YAML.readTree(text);
                if (node == null || node.isMissingNode() || node.isNull()) {
                    continue; // comment-only chunk
                }
                String source = text.lines().filter(line -> line.startsWith("# Source:")).findFirst().orElse("?");
                documents.add(new Doc(source, text, node));
            }
            return new Rendered(yaml, List.copyOf(documents));
        }

        List<JsonNode> ofKind(String kind) {
            return documents.stream().map(Doc::node).filter(node -> node.path("kind").asText().equals(kind)).toList();
        }

        JsonNode single(String kind) {
            List<JsonNode> found = ofKind(kind);
            assertThat(found).as("documents of kind %s", kind).hasSize(1);
            return found.get(0);
        }
    }

    // --- reading the objects ------------------------------------------------------------------

    private static JsonNode container(JsonNode workload) {
        JsonNode spec = workload.path("kind").asText().equals("CronJob")
                ? workload.path("spec").path("jobTemplate").path("spec")
                : workload.path("spec");
        return spec.path("template").path("spec").path("containers").path(0);
    }

    private static Map<String, JsonNode> env(JsonNode container) {
        Map<String, JsonNode> env = new HashMap<>();
        container.path("env").forEach(entry -> env.put(entry.path("name").asText(), entry));
        return env;
    }

    private static Map<String, String> secretData(JsonNode secret) {
        Map<String, String> data = new HashMap<>();
        secret.path("data").properties().forEach(entry -> data.put(entry.getKey(),
                new String(Base64.getDecoder().decode(entry.getValue().asText()), StandardCharsets.UTF_8)));
        secret.path("stringData").properties().forEach(entry -> data.put(entry.getKey(), entry.getValue().asText()));
        return data;
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        return !selector.isEmpty() && selector.properties().stream()
                .allMatch(entry -> entry.getValue().asText().equals(labels.path(entry.getKey()).asText(null)));
    }

    private static JsonNode route(JsonNode virtualService, String host) {
        return StreamSupport.stream(virtualService.path("spec").path("http").spliterator(), false)
                .filter(route -> route.path("match").findValuesAsText("prefix").contains(host)
                        || route.path("match").findValuesAsText("exact").contains(host))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no route for " + host + " in " + virtualService));
    }

    private static List<String> rule(JsonNode role, String apiGroup, String resource) {
        return StreamSupport.stream(role.path("rules").spliterator(), false)
                .filter(rule -> texts(rule.path("apiGroups")).contains(apiGroup)
                        && texts(rule.path("resources")).contains(resource))
                .flatMap(rule -> texts(rule.path("verbs")).stream())
                .toList();
    }

    private static void assertBoundToServiceAccount(JsonNode binding, JsonNode role) {
        assertThat(binding.path("roleRef").path("kind").asText()).isEqualTo(role.path("kind").asText());
        assertThat(binding.path("roleRef").path("name").asText()).isEqualTo(role.path("metadata").path("name").asText());
        JsonNode subject = binding.path("subjects").path(0);
        assertThat(subject.path("kind").asText()).isEqualTo("ServiceAccount");
        assertThat(subject.path("name").asText()).isEqualTo(FULLNAME);
        assertThat(subject.path("namespace").asText()).isEqualTo(NAMESPACE);
    }
}
