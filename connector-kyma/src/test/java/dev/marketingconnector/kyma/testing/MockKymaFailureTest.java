package dev.marketingconnector.kyma.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.kyma.testing.MockKyma.Failure;
import dev.marketingconnector.kyma.testing.MockKyma.Route;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-route failures: unavailable, cut after applying, stalled after applying, at random or next. */
class MockKymaFailureTest {

    private MockKyma kyma;

    @BeforeEach
    void start() {
        kyma = new MockKyma();
    }

    @AfterEach
    void stop() {
        kyma.close();
    }

    private HttpResponse<String> register(String identifier) throws IOException, InterruptedException {
        return MockKymaTest.send("POST", kyma.registryUrl(MockKymaTest.APP),
                MockKymaTest.serviceDetails().put("identifier", identifier).toString(), "Content-Type", "application/json");
    }

    @Test
    void unavailableAnswers503AndStoresNothing() throws Exception {
        kyma.failNext(Route.REGISTRY, Failure.UNAVAILABLE, 1);

        assertThat(register("a").statusCode()).isEqualTo(503);
        assertThat(kyma.services(MockKymaTest.APP)).isEmpty();
        assertThat(register("a").statusCode()).isEqualTo(200);
        assertThat(kyma.failuresInjected(Failure.UNAVAILABLE)).isEqualTo(1);
    }

    @Test
    void cutAfterApplyingStoresTheServiceButTheClientGetsNoAnswer() {
        kyma.failNext(Route.REGISTRY, Failure.CUT_AFTER_APPLYING, 1);

        assertThatThrownBy(() -> register("a")).isInstanceOf(IOException.class);
        assertThat(kyma.services(MockKymaTest.APP)).singleElement().satisfies(s -> assertThat(s.identifier()).contains("a"));
        assertThat(kyma.requests()).singleElement().satisfies(r -> assertThat(r.status()).isZero());
    }

    @Test
    void stallAfterApplyingStoresTheServiceAndAnswersPastTheTimeout() {
        kyma.stallFor(Duration.ofSeconds(5)).failNext(Route.REGISTRY, Failure.STALL_AFTER_APPLYING, 1);

        assertThatThrownBy(() -> MockKymaTest.HTTP.send(java.net.http.HttpRequest.newBuilder(kyma.registryUrl(MockKymaTest.APP))
                .timeout(Duration.ofSeconds(2)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(MockKymaTest.serviceDetails().toString())).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);
        assertThat(kyma.services(MockKymaTest.APP)).hasSize(1);
    }

    @Test
    void failRandomlyFailsAboutTheFractionOfOneRouteOnlyRepeatablyForASeed() throws Exception {
        List<Integer> first = statuses(7L);
        kyma.reset();
        List<Integer> second = statuses(7L);

        assertThat(first).isEqualTo(second);
        long failed = first.stream().filter(s -> s == 503).count();
        assertThat(failed).isBetween(6L, 32L);
        assertThat(MockKymaTest.send("GET", kyma.registryUrl(MockKymaTest.APP), null).statusCode())
                .as("the registry route has no faults").isEqualTo(200);
    }

    private List<Integer> statuses(long seed) throws Exception {
        kyma.failRandomly(Route.PUBLISH, 0.3, seed, Failure.UNAVAILABLE);
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            statuses.add(MockKymaTest.send("POST", kyma.publishUrl(), "{}", "Content-Type", "application/json",
                    "ce-specversion", "1.0", "ce-id", "id-" + i, "ce-source", "mkt", "ce-type", "t.v1").statusCode());
        }
        return statuses;
    }

    @Test
    void failRandomlyPicksAmongTheFailuresAndZeroTurnsItOff() throws Exception {
        kyma.failRandomly(Route.REGISTRY, 1.0, 3L, Failure.UNAVAILABLE, Failure.CUT_AFTER_APPLYING);
        for (int i = 0; i < 20; i++) {
            try {
                register("id-" + i);
            } catch (IOException cut) {
                // the cut ones
            }
        }
        kyma.failRandomly(Route.REGISTRY, 0, 3L);

        assertThat(kyma.failuresInjected(Failure.UNAVAILABLE)).isPositive();
        assertThat(kyma.failuresInjected(Failure.CUT_AFTER_APPLYING)).isPositive();
        assertThat(kyma.failuresInjected(Failure.UNAVAILABLE) + kyma.failuresInjected(Failure.CUT_AFTER_APPLYING)).isEqualTo(20);
        assertThat(kyma.services(MockKymaTest.APP)).hasSize(kyma.failuresInjected(Failure.CUT_AFTER_APPLYING));
        assertThat(register("after").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> kyma.failRandomly(Route.REGISTRY, 1.5, 1L, Failure.UNAVAILABLE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> kyma.failRandomly(Route.REGISTRY, 0.5, 1L)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void duplicateIdentifiersAreRefusedUnlessAccepted() throws Exception {
        assertThat(register("same").statusCode()).isEqualTo(200);
        assertThat(register("same").statusCode()).isEqualTo(409);

        kyma.acceptDuplicateIdentifiers(true);

        assertThat(register("same").statusCode()).isEqualTo(200);
        assertThat(kyma.duplicateIdentifiers(MockKymaTest.APP)).containsExactly(java.util.Map.entry("same", 2));
    }
}
