package dev.marketingconnector.core.discovery;

/** The SAP system rejected the communication user's credentials (HTTP 401). */
public class AuthenticationFailedException extends DiscoveryException {

    private static final long serialVersionUID = 1L;

    /** The user. */
    private final String user;

    /**
     * Creates the exception.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param user the user
     */
    public AuthenticationFailedException(String endpoint, String user) {
        super(endpoint, "The SAP system at " + endpoint + " rejected the credentials of communication user '" + user
                + "' (HTTP 401): check BASIC_USER and BASIC_PASSWORD");
        this.user = user;
    }

    /** {@return the user} */
    public String user() {
        return user;
    }
}
