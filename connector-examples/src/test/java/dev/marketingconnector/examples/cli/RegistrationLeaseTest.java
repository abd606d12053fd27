package dev.marketingconnector.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class RegistrationLeaseTest {

    /** Quick to take over (the leaving replica releases the lease), yet renewals may stall for seconds on a busy machine. */
    private static final RegistrationLease.Timing FAST =
            new RegistrationLease.Timing(Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofMillis(500));

    KubernetesClient client;

    @Test
    void exactlyOneReplicaRegistersAndAnotherTakesOverWhenItLeaves() {
        AtomicInteger startsA = new AtomicInteger();
        AtomicInteger startsB = new AtomicInteger();
        String lease = RegistrationLease.leaseName("mkt-prod");
        RegistrationLease a = new RegistrationLease(client, false, "connectors", lease, "replica-a", FAST, startsA::incrementAndGet, () -> { });
        RegistrationLease b = new RegistrationLease(client, false, "connectors", lease, "replica-b", FAST, startsB::incrementAndGet, () -> { });
        try {
            a.start();
            await().atMost(Duration.ofSeconds(20)).until(a::isLeader);
            b.start();

            assertThat(b.isLeader()).isFalse();
            assertThat(client.leases().inNamespace("connectors").withName(lease).get().getSpec().getHolderIdentity())
                    .isEqualTo("replica-a");

            a.close();

            await().atMost(Duration.ofSeconds(40)).until(b::isLeader);
            assertThat(startsA.get()).isOne();
            assertThat(startsB.get()).isOne();
            assertThat(List.of(a.isLeader(), b.isLeader())).containsExactly(false, true);
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void outsideAClusterThereIsNoLease() {
        assertThat(RegistrationLease.inCluster(Map.of(), "mkt", () -> { }, () -> { })).isEmpty();
    }
}
