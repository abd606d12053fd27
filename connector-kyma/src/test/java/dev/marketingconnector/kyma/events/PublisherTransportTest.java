package dev.marketingconnector.kyma.events;

import static dev.marketingconnector.kyma.events.TestEvents.APP;
import static dev.marketingconnector.kyma.events.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.events.PublishException;
import dev.marketingconnector.core.events.PublishReceipt;
import dev.marketingconnector.kyma.testing.MockKyma;
import dev.marketingconnector.kyma.transport.TestCertificates;
import dev.marketingconnector.kyma.transport.TlsConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the publishers reach the event service: shared or own event loops, keep-alive, TLS. */
class PublisherTransportTest {

    @TempDir
    Path temp;

    @Test
    void anEventPublishedOnASharedLoopIsAnsweredOnThatLoopAndTheLoopsOutliveThePublisher() throws Exception {
        NioEventLoopGroup loops = new NioEventLoopGroup(2);
        try (MockKyma kyma = new MockKyma()) {
            EventLoop loop = loops.next();
            AtomicReference<Thread> publishedOn = new AtomicReference<>();
            AtomicReference<Thread> answeredOn = new AtomicReference<>();
            try (CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).eventLoops(loops).build(),
                    APP)) {
                CompletableFuture<PublishReceipt> done = new CompletableFuture<>();
                loop.execute(() -> {
                    publishedOn.set(Thread.currentThread());
                    publisher.publish(event(1)).whenComplete((receipt, failure) -> {
                        answeredOn.set(Thread.currentThread());
                        if (failure == null) {
                            done.complete(receipt);
                        } else {
                            done.completeExceptionally(failure);
                        }
                    });
                });

                assertThat(done.get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
                assertThat(answeredOn.get()).isSameAs(publishedOn.get());
            }
            assertThat(loops.isShuttingDown()).as("the caller's loops").isFalse();
            assertThat(loop.submit(() -> 42).get(5, TimeUnit.SECONDS)).isEqualTo(42);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aPublisherWithoutLoopsStartsItsOwnAndCloseStopsThem() throws Exception {
        try (MockKyma kyma = new MockKyma()) {
            CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).name("own-loops").build(), APP);
            publisher.publish(event(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(threadsNamed("own-loops-io")).isNotEmpty();

            publisher.close();

            // close() returns once the loops have terminated; their threads end a moment after that
            await().atMost(Duration.ofSeconds(5)).until(() -> threadsNamed("own-loops-io").isEmpty());
        }
    }

    private static List<Thread> threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix) && t.isAlive()).toList();
    }

    @Test
    void sendsManyEventsOverFewKeptAliveConnections() throws Exception {
        try (MockKyma kyma = new MockKyma();
                LegacyEventsPublisher publisher = new LegacyEventsPublisher(PublisherConfig.builder(kyma.eventsUrl()).build(), APP)) {
            for (int n = 0; n < 20; n++) {
                publisher.publish(event(n)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }

            assertThat(kyma.eventsById()).hasSize(20);
            assertThat(threadsNamed("kyma-events-dns")).as("a literal address needs no look-up").isEmpty();
        }
    }

    @Test
    void looksAHostNameUpOffTheEventLoops() throws Exception {
        try (CapturingServer stub = new CapturingServer();
                CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(
                        java.net.URI.create("http://localhost:" + stub.url("/").getPort() + "/publish")).name("by-name").build(), APP)) {
            publisher.publish(event(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            publisher.publish(event(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            assertThat(stub.take().header("host")).isEqualTo("localhost:" + stub.url("/").getPort());
            assertThat(stub.take().header("ce-id")).isEqualTo(event(2).id().toString());
        }
    }

    @Test
    void presentsTheClientCertificateAndTrustsTheClustersCa() throws Exception {
        TestCertificates certificates = TestCertificates.shared();
        try (MockKyma kyma = MockKyma.builder().tls(certificates.server().sslContext(), true).start()) {
            try (CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl())
                    .tls(certificates.client()).build(), APP);
                    LegacyEventsPublisher legacy = new LegacyEventsPublisher(PublisherConfig.builder(kyma.eventsUrl())
                            .tls(certificates.client()).build(), APP)) {
                assertThat(publisher.publish(event(1)).toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(204);
                assertThat(legacy.publish(event(2)).toCompletableFuture().get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(kyma.url().getScheme()).isEqualTo("https");
            assertThat(kyma.requests()).hasSize(2)
                    .allSatisfy(r -> assertThat(r.clientPrincipal()).contains("CN=" + TestCertificates.CLIENT_CN));

            try (CloudEventsPublisher withoutCertificate = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl())
                    .tls(certificates.clientWithoutCertificate()).maxAttempts(1).build(), APP)) {
                assertThat(failure(withoutCertificate).isTransient()).isTrue();
            }
            try (CloudEventsPublisher defaultTrust = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).maxAttempts(1)
                    .build(), APP)) {
                assertThat(causes(failure(defaultTrust))).anySatisfy(c -> assertThat(c).isInstanceOf(SSLHandshakeException.class));
            }
            assertThat(kyma.events()).hasSize(2);
        }
    }

    @Test
    void refusesAServerWhoseCertificateNamesAnotherHost() throws Exception {
        Path serverKeys = temp.resolve("elsewhere.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=elsewhere.example",
                "-ext", "SAN=dns:elsewhere.example", "-validity", "2", "-keystore", serverKeys.toString(), "-storetype", "PKCS12",
                "-storepass", TestCertificates.PASSWORD.reveal(), "-keypass", TestCertificates.PASSWORD.reveal());
        Path trust = temp.resolve("elsewhere-trust.p12");
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(serverKeys)) {
            keys.load(in, TestCertificates.PASSWORD.reveal().toCharArray());
        }
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("server", keys.getCertificate("server"));
        try (var out = java.nio.file.Files.newOutputStream(trust)) {
            trusted.store(out, TestCertificates.PASSWORD.reveal().toCharArray());
        }
        TlsConfig server = TlsConfig.builder().keyStore(serverKeys, TestCertificates.PASSWORD).build();
        try (MockKyma kyma = MockKyma.builder().tls(server.sslContext(), false).start();
                CloudEventsPublisher publisher = new CloudEventsPublisher(PublisherConfig.builder(kyma.publishUrl()).maxAttempts(1)
                        .tls(TlsConfig.builder().trustStore(trust, TestCertificates.PASSWORD).build()).build(), APP)) {
            PublishException failure = failure(publisher);

            assertThat(causes(failure)).anySatisfy(c -> assertThat(c).isInstanceOf(SSLHandshakeException.class));
            assertThat(kyma.events()).isEmpty();
        }
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static PublishException failure(EventPublisher publisher) {
        try {
            publisher.publish(event(9)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(PublishException.class);
            return (PublishException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the publish to fail");
    }

    private static List<Throwable> causes(Throwable failure) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
