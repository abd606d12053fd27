package dev.marketingconnector.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenServiceTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    private final MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
    private final TokenService tokens = new TokenService(KEY, Duration.ofHours(1), "iss", "aud", clock);

    @Test
    void verifiesItsOwnTokensUntilTheyExpire() {
        TokenService.Issued issued = tokens.issue("client");

        assertThat(issued.expiresInSeconds()).isEqualTo(3600);
        assertThat(tokens.verify(issued.token().reveal())).isEqualTo(TokenService.Verdict.VALID);
        clock.advance(Duration.ofMinutes(59));
        assertThat(tokens.verify(issued.token().reveal())).isEqualTo(TokenService.Verdict.VALID);
        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.verify(issued.token().reveal())).isEqualTo(TokenService.Verdict.EXPIRED);
    }

    @Test
    void anotherReplicaWithTheSameKeyVerifiesTheToken() {
        TokenService replica = new TokenService(KEY.clone(), Duration.ofHours(1), "iss", "aud", clock);

        assertThat(replica.verify(tokens.issue("client").token().reveal())).isEqualTo(TokenService.Verdict.VALID);
    }

    @Test
    void rejectsTokensSignedWithAnotherKey() {
        TokenService forger = new TokenService("another-key-another-key-another-k".getBytes(StandardCharsets.UTF_8),
                Duration.ofHours(1), "iss", "aud", clock);

        assertThat(tokens.verify(forger.issue("client").token().reveal())).isEqualTo(TokenService.Verdict.INVALID);
    }

    @Test
    void rejectsTokensForAnotherIssuerOrAudience() {
        TokenService otherIssuer = new TokenService(KEY, Duration.ofHours(1), "other", "aud", clock);
        TokenService otherAudience = new TokenService(KEY, Duration.ofHours(1), "iss", "other", clock);

        assertThat(tokens.verify(otherIssuer.issue("c").token().reveal())).isEqualTo(TokenService.Verdict.INVALID);
        assertThat(tokens.verify(otherAudience.issue("c").token().reveal())).isEqualTo(TokenService.Verdict.INVALID);
    }

    @Test
    void rejectsUnsignedTokensAndGarbage() {
        String[] parts = tokens.issue("client").token().reveal().split("\\.");
        String noneHeader = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(tokens.verify(noneHeader + "." + parts[1] + ".")).isEqualTo(TokenService.Verdict.INVALID);
        assertThat(tokens.verify(parts[0] + "." + parts[1] + ".AAAA")).isEqualTo(TokenService.Verdict.INVALID);
        assertThat(tokens.verify("garbage")).isEqualTo(TokenService.Verdict.INVALID);
        assertThat(tokens.verify("")).isEqualTo(TokenService.Verdict.INVALID);
        assertThat(tokens.verify(null)).isEqualTo(TokenService.Verdict.INVALID);
        assertThat(tokens.verify("x".repeat(10_000))).isEqualTo(TokenService.Verdict.INVALID);
    }

    @Test
    void refusesATokenIssuedInTheFutureBeyondTheClockSkew() {
        MutableClock ahead = new MutableClock(clock.instant().plus(Duration.ofSeconds(61)));
        MutableClock slightlyAhead = new MutableClock(clock.instant().plus(Duration.ofSeconds(59)));

        assertThat(tokens.verify(new TokenService(KEY, Duration.ofHours(1), "iss", "aud", ahead).issue("c").token().reveal()))
                .isEqualTo(TokenService.Verdict.INVALID);
        assertThat(tokens.verify(new TokenService(KEY, Duration.ofHours(1), "iss", "aud", slightlyAhead).issue("c").token().reveal()))
                .isEqualTo(TokenService.Verdict.VALID);
    }

    @Test
    void refusesATokenLivingLongerThanThisBridgeIssues() {
        TokenService longLived = new TokenService(KEY, Duration.ofDays(365), "iss", "aud", clock);

        assertThat(tokens.verify(longLived.issue("client").token().reveal())).isEqualTo(TokenService.Verdict.INVALID);
    }

    @Test
    void anIssuedTokenDoesNotShowInToString() {
        TokenService.Issued issued = tokens.issue("client");

        assertThat(issued.toString()).doesNotContain(issued.token().reveal());
    }
}
