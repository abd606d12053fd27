package dev.marketingconnector.core.registry;

/** What a reconciliation does with one entry. */
public enum ChangeAction {
    /** The entry is not registered yet: it is created. */
    CREATE,
    /** The entry is registered with other content: it is rewritten in place. */
    UPDATE,
    /** The connector's entry is no longer wanted: it is removed. */
    DELETE,
    /** The entry is registered as wanted: nothing is written. */
    UNCHANGED
}
