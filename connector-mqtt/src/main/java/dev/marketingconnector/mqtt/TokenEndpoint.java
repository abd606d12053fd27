package dev.marketingconnector.mqtt;

import dev.marketingconnector.core.config.Secret;
import dev.marketingconnector.mqtt.BridgeListener.TokenOutcome;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /oauth/token}: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4), client
 * authentication by HTTP Basic or by form fields (§2.3.1), errors as in §5.2.
 */
final class TokenEndpoint {

    static final String GRANT_TYPE = "client_credentials";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final int MAX_PARAMETERS = 32;

    /** The answer to send. {@code body} holds the token only when {@code outcome} is ISSUED. */
    record Answer(HttpResponseStatus status, String body, TokenOutcome outcome, boolean challenge) {

        static Answer error(HttpResponseStatus status, TokenOutcome outcome, String error, String description) {
            return new Answer(status, "{\"error\":\"" + error + "\",\"error_description\":\"" + description + "\"}",
                    outcome, status == HttpResponseStatus.UNAUTHORIZED);
        }

        @Override
        public String toString() {
            return "Answer[status=" + status + ", outcome=" + outcome + "]";
        }
    }

    private final String clientId;
    private final Secret clientSecret;
    private final TokenService tokens;

    TokenEndpoint(String clientId, Secret clientSecret, TokenService tokens) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.tokens = tokens;
    }

    Answer handle(FullHttpRequest request) {
        if (!HttpMethod.POST.equals(request.method())) {
            return Answer.error(HttpResponseStatus.METHOD_NOT_ALLOWED, TokenOutcome.INVALID_REQUEST, "invalid_request",
                    "use POST");
        }
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return Answer.error(HttpResponseStatus.BAD_REQUEST, TokenOutcome.INVALID_REQUEST, "invalid_request",
                    "the body must be " + FORM);
        }
        Map<String, List<String>> form;
        try {
            form = new QueryStringDecoder(request.content().toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8, false,
                    MAX_PARAMETERS).parameters();
        } catch (IllegalArgumentException e) {
            return Answer.error(HttpResponseStatus.BAD_REQUEST, TokenOutcome.INVALID_REQUEST, "invalid_request",
                    "the form is not well-formed");
        }
        for (Map.Entry<String, List<String>> parameter : form.entrySet()) {
            if (parameter.getValue().size() > 1) {
                return Answer.error(HttpResponseStatus.BAD_REQUEST, TokenOutcome.INVALID_REQUEST, "invalid_request",
                        "the parameter " + safeName(parameter.getKey()) + " is repeated");
            }
        }
        String grantType = single(form, "grant_type");
        if (grantType == null || grantType.isEmpty()) {
            return Answer.error(HttpResponseStatus.BAD_REQUEST, TokenOutcome.INVALID_REQUEST, "invalid_request",
                    "grant_type is missing");
        }
        if (!GRANT_TYPE.equals(grantType)) {
            return Answer.error(HttpResponseStatus.BAD_REQUEST, TokenOutcome.UNSUPPORTED_GRANT_TYPE, "unsupported_grant_type",
                    "only client_credentials is supported");
        }
        String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        String formId = single(form, "client_id");
        String formSecret = single(form, "client_secret");
        boolean basic = authorization != null;
        if (basic && formSecret != null) {
            return Answer.error(HttpResponseStatus.BAD_REQUEST, TokenOutcome.INVALID_REQUEST, "invalid_request",
                    "use one client authentication method, not both");
        }
        boolean authenticated = basic ? basicMatches(authorization) : formId != null && formSecret != null
                && idMatches(formId) && clientSecret.matches(formSecret);
        if (!authenticated) {
            return Answer.error(HttpResponseStatus.UNAUTHORIZED, TokenOutcome.INVALID_CLIENT, "invalid_client",
                    "client authentication failed");
        }
        TokenService.Issued issued = tokens.issue(clientId);
        String body = "{\"access_token\":\"" + issued.token().reveal() + "\",\"token_type\":\"bearer\",\"expires_in\":"
                + issued.expiresInSeconds() + "}";
        return new Answer(HttpResponseStatus.OK, body, TokenOutcome.ISSUED, false);
    }

    /** HTTP Basic as RFC 6749 §2.3.1 has it (each part form-encoded); parts sent without that encoding pass too. */
    private boolean basicMatches(String authorization) {
        if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        String id = decoded.substring(0, colon);
        String secret = decoded.substring(colon + 1);
        boolean raw = idMatches(id) & clientSecret.matches(secret);
        boolean formEncoded = idMatches(formDecode(id)) & clientSecret.matches(formDecode(secret));
        return raw | formEncoded;
    }

    private boolean idMatches(String candidate) {
        return candidate != null && MessageDigest.isEqual(clientId.getBytes(StandardCharsets.UTF_8),
                candidate.getBytes(StandardCharsets.UTF_8));
    }

    private static String formDecode(String value) {
        try {
            return QueryStringDecoder.decodeComponent(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private static String single(Map<String, List<String>> form, String name) {
        List<String> values = form.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String safeName(String name) {
        return name.matches("[A-Za-z0-9_]{1,40}") ? name : "(unnamed)";
    }
}
