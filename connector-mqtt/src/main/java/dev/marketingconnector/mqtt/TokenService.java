package dev.marketingconnector.mqtt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.marketingconnector.core.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Issues and verifies the bearer tokens: HS256-signed JWTs with issuer, audience, subject (the
 * OAuth client id), issue time and expiry. Signed rather than stored, so any replica sharing the
 * key verifies any token. A token is refused when its issue time lies more than the clock skew in
 * the future or its lifetime exceeds the configured TTL.
 */
final class TokenService {

    enum Verdict { VALID, INVALID, EXPIRED }

    /** An issued token; the value stays wrapped so it cannot reach a log by accident. */
    record Issued(Secret token, long expiresInSeconds) {
    }

    static final int MAX_TOKEN_LENGTH = 4096;

    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private final Duration ttl;
    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final Duration clockSkew;

    TokenService(byte[] key, Duration ttl, String issuer, String audience, Clock clock) {
        this(key, ttl, issuer, audience, clock, BridgeConfig.DEFAULT_TOKEN_CLOCK_SKEW);
    }

    TokenService(byte[] key, Duration ttl, String issuer, String audience, Clock clock, Duration clockSkew) {
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new BridgeException("The token signing key cannot be used for HS256: " + e.getClass().getSimpleName(), e);
        }
        this.ttl = ttl;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
        this.clockSkew = clockSkew;
    }

    static TokenService create(BridgeConfig config) {
        byte[] key = config.tokenSigningKey()
                .map(secret -> secret.reveal().getBytes(StandardCharsets.UTF_8))
                .orElseGet(() -> {
                    byte[] generated = new byte[BridgeConfig.MIN_SIGNING_KEY_BYTES];
                    new SecureRandom().nextBytes(generated);
                    return generated;
                });
        return new TokenService(key, config.tokenTtl(), config.issuer(), config.audience(), config.clock(), config.tokenClockSkew());
    }

    Issued issue(String subject) {
        Instant now = clock.instant();
        long seconds = ttl.toSeconds();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(seconds)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new BridgeException("Could not sign a token", e);
        }
        return new Issued(Secret.of(jwt.serialize()), seconds);
    }

    Verdict verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Verdict.INVALID;
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Verdict.INVALID;
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            if (!issuer.equals(claims.getIssuer()) || claims.getAudience() == null || !claims.getAudience().contains(audience)) {
                return Verdict.INVALID;
            }
            Date expiry = claims.getExpirationTime();
            Date issued = claims.getIssueTime();
            if (expiry == null || issued == null) {
                return Verdict.INVALID;
            }
            Instant now = clock.instant();
            // This bridge never issues such tokens: one issued in the future, or living longer than
            // tokenTtl, can only come from someone holding the key.
            if (issued.toInstant().isAfter(now.plus(clockSkew))
                    || Duration.between(issued.toInstant(), expiry.toInstant()).compareTo(ttl) > 0) {
                return Verdict.INVALID;
            }
            Date notBefore = claims.getNotBeforeTime();
            if (notBefore != null && now.isBefore(notBefore.toInstant())) {
                return Verdict.INVALID;
            }
            return now.isBefore(expiry.toInstant()) ? Verdict.VALID : Verdict.EXPIRED;
        } catch (ParseException | JOSEException | IllegalStateException e) {
            return Verdict.INVALID;
        }
    }
}
