package dev.marketingconnector.core.spool;

/** The spool (or its dead-letter area) is at its bound, or its disk is full: nothing was stored; try again once there is room. */
public class SpoolFullException extends SpoolException {

    private static final long serialVersionUID = 1L;

    public SpoolFullException(String spool, String message, Throwable cause) {
        super(spool, true, message, cause);
    }

    public SpoolFullException(String spool, String message) {
        this(spool, message, null);
    }
}
