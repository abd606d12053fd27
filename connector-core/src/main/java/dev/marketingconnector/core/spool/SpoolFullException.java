package dev.marketingconnector.core.spool;

/** The spool (or its dead-letter area) is at its bound, or its disk is full: nothing was stored; try again once there is room. */
public class SpoolFullException extends SpoolException {

    private static final long serialVersionUID = 1L;

    /**
     * A full spool, always transient; the message is {@code spool + ": " + message}.
     *
     * @param spool   the spool's description (its directory or stream; never a credential)
     * @param message what is full, with the sizes involved
     * @param cause   the storage library's exception (e.g. no space left on the device), or null
     */
    public SpoolFullException(String spool, String message, Throwable cause) {
        super(spool, true, message, cause);
    }

    /**
     * A full spool without a cause (the spool's own bound was reached).
     *
     * @param spool   the spool's description (its directory or stream; never a credential)
     * @param message what is full, with the sizes involved
     */
    public SpoolFullException(String spool, String message) {
        this(spool, message, null);
    }
}
