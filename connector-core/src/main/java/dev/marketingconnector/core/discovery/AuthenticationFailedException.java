package dev.marketingconnector.core.discovery;

/**
 * The SAP system rejected the communication user's credentials (HTTP 401). Discovery stops at the
 * first rejection, so a run costs the user at most one failed logon (SAP locks a user after a few,
 * {@code login/fails_to_user_lock}); {@link #logonAttempts()} says how many were made.
 */
public class AuthenticationFailedException extends DiscoveryException {

    private static final long serialVersionUID = 1L;

    /** The communication user whose logon failed. */
    private final String user;
    /** How many requests the system rejected with 401 in the run. */
    private final int logonAttempts;

    /**
     * Creates the exception.
     *
     * @param endpoint the endpoint (URL or name) the error is about
     * @param user the user
     */
    public AuthenticationFailedException(String endpoint, String user) {
        this(endpoint, user, 1);
    }

    /**
     * Creates the exception for a run that made {@code logonAttempts} failed logons.
     *
     * @param endpoint      the SAP system's URL
     * @param user          the communication user
     * @param logonAttempts how many requests the system rejected with 401 in this run
     */
    public AuthenticationFailedException(String endpoint, String user, int logonAttempts) {
        super(endpoint, "The SAP system at " + endpoint + " rejected the credentials of communication user '" + user
                + "' (HTTP 401): check BASIC_USER and BASIC_PASSWORD");
        this.user = user;
        this.logonAttempts = logonAttempts;
    }

    /** {@return the user} */
    public String user() {
        return user;
    }

    /** {@return how many failed logons the run caused (requests answered 401), normally 1} */
    public int logonAttempts() {
        return logonAttempts;
    }
}
