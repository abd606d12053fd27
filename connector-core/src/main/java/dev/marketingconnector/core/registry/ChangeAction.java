package dev.marketingconnector.core.registry;

/** What a reconciliation does with one entry. */
public enum ChangeAction {
    CREATE,
    UPDATE,
    DELETE,
    UNCHANGED
}
