package dev.marketingconnector.odata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.communication.CommunicationUser;
import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.core.discovery.AuthenticationFailedException;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.odata.testing.MockMarketingSystem;
import dev.marketingconnector.odata.testing.RecordedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** At most one failed logon per discovery run, however many workers would check services in parallel. */
class LogonCheckTest {

    private static final ServiceCatalog CATALOG = ServiceCatalog.marketing();
    private static final String FIRST = CATALOG.services().get(0).key();
    private static final String SECOND = CATALOG.services().get(1).key();

    private MockMarketingSystem tenant;

    @BeforeEach
    void start() {
        tenant = new MockMarketingSystem();
    }

    @AfterEach
    void stop() {
        tenant.close();
    }

    private ODataServiceDiscovery discovery(String password) {
        return new ODataServiceDiscovery(DiscoveryConfig.builder().systemUrl(tenant.url()).parallelism(8)
                .user(new CommunicationUser(MockMarketingSystem.DEFAULT_USER, Secret.of(password)))
                .initialBackoff(Duration.ofMillis(1)).backoffMultiplier(1.0).build());
    }

    @Test
    void aWrongPasswordCostsOneLogonAtFullParallelism() {
        assertThatThrownBy(() -> discovery("wrong-password").discover(CATALOG))
                .isInstanceOfSatisfying(AuthenticationFailedException.class, e -> assertThat(e.logonAttempts()).isEqualTo(1));

        assertThat(tenant.requests()).singleElement().satisfies(r -> assertThat(r.serviceKey()).contains(FIRST));
    }

    @Test
    void theFirstServiceIsCheckedAloneThenTheOthersInParallel() {
        tenant.setLatency(Duration.ofMillis(50));

        DiscoveryReport report = discovery(MockMarketingSystem.DEFAULT_PASSWORD).discover(CATALOG);

        List<RecordedRequest> requests = tenant.requests();
        assertThat(requests.get(0).serviceKey()).as("the logon check goes out alone").contains(FIRST);
        assertThat(requests.get(0).isMetadata()).isFalse();
        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(26);
        assertThat(tenant.peakConcurrency()).isGreaterThan(1);
    }

    @Test
    void a403ProvesTheLogonTheUserJustHasNoArrangementForThatService() {
        tenant.deactivate(FIRST).setLatency(Duration.ofMillis(50));

        DiscoveryReport report = discovery(MockMarketingSystem.DEFAULT_PASSWORD).discover(CATALOG);

        assertThat(report.services().get(0).status()).isEqualTo(ServiceStatus.INACTIVE);
        assertThat(report.count(ServiceStatus.ACTIVE)).isEqualTo(25);
        assertThat(tenant.peakConcurrency()).isGreaterThan(1);
    }

    @Test
    void aServiceThatDoesNotAnswerMovesTheCheckOnToTheNextOneStillOneLogon() {
        tenant.failNext(FIRST, 503, 100);

        assertThatThrownBy(() -> discovery("wrong-password").discover(CATALOG))
                .isInstanceOfSatisfying(AuthenticationFailedException.class, e -> assertThat(e.logonAttempts()).isEqualTo(1));

        assertThat(tenant.requests()).extracting(RecordedRequest::serviceKey)
                .containsExactly(Optional.of(FIRST), Optional.of(FIRST), Optional.of(FIRST), Optional.of(SECOND));
    }
}
