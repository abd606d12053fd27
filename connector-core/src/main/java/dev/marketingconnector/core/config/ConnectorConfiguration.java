package dev.marketingconnector.core.config;

import dev.marketingconnector.core.communication.CommunicationUser;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The connector's seven settings, as a Kyma operator enters them: the SAP system URL, the
 * communication user and its password, the OAuth client id and secret that the SAP system uses
 * to get tokens for the event channel, the Kyma Application name and the cluster domain.
 *
 * <p>Built with {@link #builder()} or from environment variables with {@link #fromEnvironment(Map)}.
 * {@code build()} checks every setting and reports all problems at once, each by its environment
 * name. Secrets never appear in {@link #toString()} or in a problem message.
 */
public final class ConnectorConfiguration {

    /** The environment name of the system URL setting. */
    public static final String SYSTEM_URL = "SYSTEM_URL";
    /** The environment name of the basic user setting. */
    public static final String BASIC_USER = "BASIC_USER";
    /** The environment name of the basic password setting. */
    public static final String BASIC_PASSWORD = "BASIC_PASSWORD";
    /** The environment name of the OAuth client id setting. */
    public static final String OAUTH_CLIENT_ID = "OAUTH_CLIENT_ID";
    /** The environment name of the OAuth client secret setting. */
    public static final String OAUTH_CLIENT_SECRET = "OAUTH_CLIENT_SECRET";
    /** The environment name of the application name setting. */
    public static final String APPLICATION_NAME = "APPLICATION_NAME";
    /** The environment name of the cluster domain setting. */
    public static final String CLUSTER_DOMAIN = "CLUSTER_DOMAIN";

    /** The environment names of the seven settings, in the order an operator enters them. */
    public static final List<String> SETTINGS = List.of(
            SYSTEM_URL, BASIC_USER, BASIC_PASSWORD, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, APPLICATION_NAME, CLUSTER_DOMAIN);

    static final int MAX_APPLICATION_NAME_LENGTH = 63;
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    private final URI systemUrl;
    private final String user;
    private final Secret password;
    private final String oauthClientId;
    private final Secret oauthClientSecret;
    private final String applicationName;
    private final String clusterDomain;

    private ConnectorConfiguration(URI systemUrl, String user, Secret password, String oauthClientId,
            Secret oauthClientSecret, String applicationName, String clusterDomain) {
        this.systemUrl = systemUrl;
        this.user = user;
        this.password = password;
        this.oauthClientId = oauthClientId;
        this.oauthClientSecret = oauthClientSecret;
        this.applicationName = applicationName;
        this.clusterDomain = clusterDomain;
    }

    /** {@return a builder with the defaults} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the seven settings from a map of environment names ({@code System.getenv()} or a test
     * map). Blank values count as missing.
     *
     * @param environment the environment variables by name
     * @return the connector configuration
     * @throws ConfigurationException naming every missing or invalid setting
     */
    public static ConnectorConfiguration fromEnvironment(Map<String, String> environment) {
        Objects.requireNonNull(environment, "environment");
        return builder()
                .systemUrl(environment.get(SYSTEM_URL))
                .user(environment.get(BASIC_USER))
                .password(environment.get(BASIC_PASSWORD))
                .oauthClientId(environment.get(OAUTH_CLIENT_ID))
                .oauthClientSecret(environment.get(OAUTH_CLIENT_SECRET))
                .applicationName(environment.get(APPLICATION_NAME))
                .clusterDomain(environment.get(CLUSTER_DOMAIN))
                .build();
    }

    /** {@return the SAP system's base URL, always with an http or https scheme and without a trailing slash} */
    public URI systemUrl() {
        return systemUrl;
    }

    /** {@return the communication user} */
    public CommunicationUser communicationUser() {
        return new CommunicationUser(user, password);
    }

    /** {@return the user} */
    public String user() {
        return user;
    }

    /** {@return the password} */
    public Secret password() {
        return password;
    }

    /** {@return the OAuth client id} */
    public String oauthClientId() {
        return oauthClientId;
    }

    /** {@return the OAuth client secret} */
    public Secret oauthClientSecret() {
        return oauthClientSecret;
    }

    /** {@return the application name} */
    public String applicationName() {
        return applicationName;
    }

    /** {@return the cluster domain} */
    public String clusterDomain() {
        return clusterDomain;
    }

    /** {@return the host the SAP system opens its MQTT-over-WebSocket channel to: {@code mqtt.<domain>}} */
    public String mqttHost() {
        return "mqtt." + clusterDomain;
    }

    /** {@return where the SAP system gets its bearer tokens: {@code https://auth.<domain>/oauth/token}} */
    public URI tokenEndpoint() {
        return URI.create("https://auth." + clusterDomain + "/oauth/token");
    }

    /** {@return {@code https://auth.<domain>/oauth/authorize}, entered in the SAP communication system} */
    public URI authorizeEndpoint() {
        return URI.create("https://auth." + clusterDomain + "/oauth/authorize");
    }

    @Override
    public String toString() {
        return "ConnectorConfiguration[systemUrl=" + systemUrl + ", user=" + user + ", password=" + password
                + ", oauthClientId=" + oauthClientId + ", oauthClientSecret=" + oauthClientSecret
                + ", applicationName=" + applicationName + ", clusterDomain=" + clusterDomain + "]";
    }

    /** Collects the settings; {@link #build()} validates them all at once. */
    public static final class Builder {

        private String systemUrl;
        private String user;
        private String password;
        private String oauthClientId;
        private String oauthClientSecret;
        private String applicationName;
        private String clusterDomain;

        private Builder() {
        }

        /**
         * The SAP system URL; a bare host name gets {@code https://}.
         *
         * @param systemUrl the system URL
         * @return this builder
         */
        public Builder systemUrl(String systemUrl) {
            this.systemUrl = systemUrl;
            return this;
        }

        /**
         * Sets the user.
         *
         * @param user the user
         * @return this builder
         */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        /**
         * Sets the password.
         *
         * @param password the password
         * @return this builder
         */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * Sets the OAuth client id.
         *
         * @param oauthClientId the OAuth client id
         * @return this builder
         */
        public Builder oauthClientId(String oauthClientId) {
            this.oauthClientId = oauthClientId;
            return this;
        }

        /**
         * Sets the OAuth client secret.
         *
         * @param oauthClientSecret the OAuth client secret
         * @return this builder
         */
        public Builder oauthClientSecret(String oauthClientSecret) {
            this.oauthClientSecret = oauthClientSecret;
            return this;
        }

        /**
         * Sets the application name.
         *
         * @param applicationName the Kyma Application
         * @return this builder
         */
        public Builder applicationName(String applicationName) {
            this.applicationName = applicationName;
            return this;
        }

        /**
         * Sets the cluster domain.
         *
         * @param clusterDomain the cluster domain
         * @return this builder
         */
        public Builder clusterDomain(String clusterDomain) {
            this.clusterDomain = clusterDomain;
            return this;
        }

        /**
         * @return the build
         * @throws ConfigurationException listing every problem, each named by its environment name
         */
        public ConnectorConfiguration build() {
            List<ConfigurationProblem> problems = new ArrayList<>();
            URI url = validateSystemUrl(trimmed(systemUrl), problems);
            String userName = required(BASIC_USER, user, problems);
            String pass = requiredSecret(BASIC_PASSWORD, password, problems);
            String clientId = required(OAUTH_CLIENT_ID, oauthClientId, problems);
            String clientSecret = requiredSecret(OAUTH_CLIENT_SECRET, oauthClientSecret, problems);
            String app = validateApplicationName(trimmed(applicationName), problems);
            String domain = validateClusterDomain(trimmed(clusterDomain), problems);
            if (!problems.isEmpty()) {
                throw new ConfigurationException(problems);
            }
            return new ConnectorConfiguration(url, userName, Secret.of(pass), clientId, Secret.of(clientSecret), app, domain);
        }

        private static String trimmed(String value) {
            return value == null ? null : value.strip();
        }

        private static String required(String setting, String value, List<ConfigurationProblem> problems) {
            String v = trimmed(value);
            if (v == null || v.isEmpty()) {
                problems.add(new ConfigurationProblem(setting, "missing"));
                return null;
            }
            return v;
        }

        private static String requiredSecret(String setting, String value, List<ConfigurationProblem> problems) {
            if (value == null || value.isEmpty()) {
                problems.add(new ConfigurationProblem(setting, "missing"));
                return null;
            }
            return value;
        }

        private static URI validateSystemUrl(String value, List<ConfigurationProblem> problems) {
            if (value == null || value.isEmpty()) {
                problems.add(new ConfigurationProblem(SYSTEM_URL, "missing"));
                return null;
            }
            String candidate = value.contains("://") ? value : "https://" + value;
            URI uri;
            try {
                uri = new URI(candidate);
            } catch (URISyntaxException e) {
                problems.add(new ConfigurationProblem(SYSTEM_URL, "not a valid URL: '" + value + "' (" + e.getReason() + ")"));
                return null;
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                problems.add(new ConfigurationProblem(SYSTEM_URL, "must be an http or https URL, got '" + value + "'"));
                return null;
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                problems.add(new ConfigurationProblem(SYSTEM_URL, "has no host: '" + value + "'"));
                return null;
            }
            if (uri.getRawUserInfo() != null) {
                problems.add(new ConfigurationProblem(SYSTEM_URL,
                        "must not carry credentials; set " + BASIC_USER + " and " + BASIC_PASSWORD + " instead"));
                return null;
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                problems.add(new ConfigurationProblem(SYSTEM_URL, "must not have a query or fragment: '" + value + "'"));
                return null;
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String port = uri.getPort() == -1 ? "" : ":" + uri.getPort();
            return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + port + path);
        }

        private static String validateApplicationName(String value, List<ConfigurationProblem> problems) {
            if (value == null || value.isEmpty()) {
                problems.add(new ConfigurationProblem(APPLICATION_NAME, "missing"));
                return null;
            }
            if (value.length() > MAX_APPLICATION_NAME_LENGTH) {
                problems.add(new ConfigurationProblem(APPLICATION_NAME,
                        "'" + value + "' is " + value.length() + " characters long; a Kubernetes name has at most "
                                + MAX_APPLICATION_NAME_LENGTH));
                return null;
            }
            if (!DNS_LABEL.matcher(value).matches()) {
                problems.add(new ConfigurationProblem(APPLICATION_NAME, "'" + value
                        + "' is not a valid Kubernetes name: use lower-case letters, digits and '-', starting and ending with a letter or digit"));
                return null;
            }
            return value;
        }

        private static String validateClusterDomain(String value, List<ConfigurationProblem> problems) {
            if (value == null || value.isEmpty()) {
                problems.add(new ConfigurationProblem(CLUSTER_DOMAIN, "missing"));
                return null;
            }
            if (value.contains("://") || value.contains("/")) {
                problems.add(new ConfigurationProblem(CLUSTER_DOMAIN,
                        "'" + value + "' is not a host name: give the domain alone, e.g. 'c-123abc.kyma.ondemand.com'"));
                return null;
            }
            String domain = value.toLowerCase(Locale.ROOT);
            if (domain.endsWith(".")) {
                domain = domain.substring(0, domain.length() - 1);
            }
            boolean valid = !domain.isEmpty() && domain.length() <= 253;
            for (String label : domain.split("\\.", -1)) {
                valid &= HOST_LABEL.matcher(label).matches();
            }
            if (!valid) {
                problems.add(new ConfigurationProblem(CLUSTER_DOMAIN, "'" + value + "' is not a valid host name"));
                return null;
            }
            return domain;
        }
    }
}
