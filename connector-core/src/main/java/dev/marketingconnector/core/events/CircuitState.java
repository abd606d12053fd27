package dev.marketingconnector.core.events;

/** Whether a publisher currently lets events through to the event service. */
public enum CircuitState {
    /** Events flow. */
    CLOSED,
    /** Too many recent failures: calls fail fast until the wait is over. */
    OPEN,
    /** Trying a few calls to see whether the event service is back. */
    HALF_OPEN
}
