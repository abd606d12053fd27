package dev.marketingconnector.core.discovery;

/** The SAP system rejected the communication user's credentials (HTTP 401). */
public class AuthenticationFailedException extends DiscoveryException {

    private static final long serialVersionUID = 1L;

    private final String user;

    public AuthenticationFailedException(String endpoint, String user) {
        super(endpoint, "The SAP system at " + endpoint + " rejected the credentials of communication user '" + user
                + "' (HTTP 401): check BASIC_USER and BASIC_PASSWORD");
        this.user = user;
    }

    public String user() {
        return user;
    }
}
