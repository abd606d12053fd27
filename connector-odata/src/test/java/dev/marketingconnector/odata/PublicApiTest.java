package dev.marketingconnector.odata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.marketingconnector.odata.testing.MockMarketingSystem;
import dev.marketingconnector.odata.testing.RecordedRequest;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PublicApiTest {

    private static final List<Class<?>> PUBLIC_TYPES = List.of(
            ODataServiceDiscovery.class, DiscoveryConfig.class, DiscoveryConfig.Builder.class, EdmxMetadataParser.class,
            InvalidMetadataException.class, MockMarketingSystem.class, MockMarketingSystem.Builder.class, RecordedRequest.class);

    @Test
    void noOlingoOrResilience4jTypeAppearsInAPublicSignature() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : PUBLIC_TYPES) {
            List<Executable> members = new ArrayList<>(List.of(type.getConstructors()));
            members.addAll(List.of(type.getMethods()));
            for (Executable member : members) {
                List<Type> types = new ArrayList<>(List.of(member.getGenericParameterTypes()));
                types.addAll(List.of(member.getGenericExceptionTypes()));
                if (member instanceof Method method) {
                    types.add(method.getGenericReturnType());
                }
                for (Type used : types) {
                    String name = used.getTypeName();
                    if (name.contains("org.apache.olingo") || name.contains("io.github.resilience4j") || name.contains("com.sun.net.httpserver")) {
                        leaks.add(type.getSimpleName() + "." + member.getName() + " uses " + name);
                    }
                }
            }
            assertThat(type.getSuperclass() == null ? "" : type.getSuperclass().getName()).doesNotStartWith("org.apache.olingo");
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void publicClassesAreFinalOrExceptions() {
        for (Class<?> type : PUBLIC_TYPES) {
            boolean extensible = !Modifier.isFinal(type.getModifiers()) && !type.isRecord();
            if (extensible) {
                assertThat(RuntimeException.class).as(type.getName()).isAssignableFrom(type);
            }
        }
        for (Constructor<?> constructor : EdmxMetadataParser.class.getDeclaredConstructors()) {
            assertThat(Modifier.isPrivate(constructor.getModifiers())).isTrue();
        }
    }
}
