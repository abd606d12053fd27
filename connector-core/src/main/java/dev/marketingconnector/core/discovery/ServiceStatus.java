package dev.marketingconnector.core.discovery;

/** Why a service is or is not registered. */
public enum ServiceStatus {
    /** Answered with a service document that lists entity sets, and its metadata parsed. */
    ACTIVE,
    /** 403 or 404: no communication arrangement opens it to this user. */
    INACTIVE,
    /** Answered with a login page or similar instead of OData: the user is not authorised for it. */
    UNAUTHORISED,
    /** Server errors, time-outs or connection failures, after retries. */
    UNREACHABLE,
    /** Active, but its {@code $metadata} could not be parsed. */
    INVALID_METADATA
}
