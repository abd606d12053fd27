package dev.marketingconnector.kyma.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceNamesTest {

    @Test
    void normalisesTheWayKymaDoes() {
        assertThat(ServiceNames.kymaNormalised("Marketing - Contacts (v2)")).isEqualTo("marketing---contacts--v2-");
    }

    @Test
    void makesATidyNameInKymasNormalForm() {
        String name = ServiceNames.uniqueServiceName("Marketing - Contacts (v2)", "0a1b2c3d-0000-0000-0000-000000000000", List.of());

        assertThat(name).isEqualTo("marketing-contacts-v2");
        assertThat(ServiceNames.kymaNormalised(name)).isEqualTo(name);
        assertThat(ServiceNames.uniqueServiceName("!!!", "0a1b2c3d-0000-0000-0000-000000000000", List.of())).isEqualTo("service");
    }

    @Test
    void addsASuffixFromTheIdOnACollision() {
        String name = ServiceNames.uniqueServiceName("Coupons", "0a1b2c3d-0000-0000-0000-000000000000", List.of("COUPONS"));

        assertThat(name).isEqualTo("coupons-0a1b2c");
    }

    @Test
    void idsAreStableAndDifferPerApplication() {
        assertThat(ServiceNames.serviceId("a", "x")).isEqualTo(ServiceNames.serviceId("a", "x"))
                .isNotEqualTo(ServiceNames.serviceId("b", "x")).isNotEqualTo(ServiceNames.serviceId("a", "y"));
    }

    @Test
    void secretNamesAreValidResourceNamesOfAtMost253() {
        String id = ServiceNames.serviceId("a", "x");
        String longName = ServiceNames.secretName("mkt-prod", "s".repeat(300), id);

        assertThat(ServiceNames.secretName("mkt-prod", "marketing-contacts", id)).isEqualTo("mkt-prod-marketing-contacts");
        assertThat(longName).hasSizeLessThanOrEqualTo(253).endsWith("-" + id.replace("-", "").substring(0, 8))
                .matches("[a-z0-9]([-.a-z0-9]*[a-z0-9])?");
    }
}
