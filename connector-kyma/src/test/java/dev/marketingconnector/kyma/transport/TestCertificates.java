package dev.marketingconnector.kyma.transport;

import dev.marketingconnector.core.config.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Self-signed server and client certificates made with the JDK's {@code keytool}, and trust stores
 * that trust each other's certificate: the real files a cluster operator would hand over.
 */
public final class TestCertificates {

    public static final Secret PASSWORD = Secret.of("test-store-password");
    public static final String CLIENT_CN = "mkt-test";

    public final Path serverKeys;
    public final Path serverTrust;
    public final Path clientKeys;
    public final Path clientTrust;

    private TestCertificates(Path folder) throws IOException, GeneralSecurityException, InterruptedException {
        serverKeys = folder.resolve("server.p12");
        clientKeys = folder.resolve("client.p12");
        serverTrust = folder.resolve("server-trust.p12");
        clientTrust = folder.resolve("client-trust.p12");
        keytool(serverKeys, "server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        keytool(clientKeys, "client", "CN=" + CLIENT_CN, null);
        trust(clientTrust, serverKeys, "server");
        trust(serverTrust, clientKeys, "client");
    }

    private static TestCertificates shared;

    public static TestCertificates create(Path folder) throws IOException, GeneralSecurityException, InterruptedException {
        return new TestCertificates(folder);
    }

    /** One set for the whole test run: keytool starts a JVM per call, so the stores are made once. */
    public static synchronized TestCertificates shared() throws IOException, GeneralSecurityException, InterruptedException {
        if (shared == null) {
            Path folder = Files.createTempDirectory("kyma-tls-");
            folder.toFile().deleteOnExit();
            shared = new TestCertificates(folder);
            for (Path file : List.of(shared.serverKeys, shared.serverTrust, shared.clientKeys, shared.clientTrust)) {
                file.toFile().deleteOnExit();
            }
        }
        return shared;
    }

    /** What the server uses: its key and the client's certificate as trusted. */
    public TlsConfig server() {
        return TlsConfig.builder().keyStore(serverKeys, PASSWORD).trustStore(serverTrust, PASSWORD).build();
    }

    /** What the connector uses: the server's certificate as trusted, and its client certificate. */
    public TlsConfig client() {
        return TlsConfig.builder().trustStore(clientTrust, PASSWORD).keyStore(clientKeys, PASSWORD).build();
    }

    /** Trusts the server but presents no client certificate. */
    public TlsConfig clientWithoutCertificate() {
        return TlsConfig.builder().trustStore(clientTrust, PASSWORD).build();
    }

    private static void keytool(Path store, String alias, String dname, String san) throws IOException, InterruptedException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", dname, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD.reveal(), "-keypass", PASSWORD.reveal()));
        if (san != null) {
            command.addAll(List.of("-ext", san));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool failed: " + new String(output, StandardCharsets.UTF_8));
        }
    }

    private static void trust(Path trustStore, Path keyStore, String alias) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, PASSWORD.reveal().toCharArray());
        }
        Certificate certificate = keys.getCertificate(alias);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(alias, certificate);
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            trust.store(out, PASSWORD.reveal().toCharArray());
        }
    }
}
