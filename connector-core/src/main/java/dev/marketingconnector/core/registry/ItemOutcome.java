package dev.marketingconnector.core.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * What became of one planned change.
 *
 * @param change     the change
 * @param status     done, failed, or planned only (dry run)
 * @param registryId the entry's id after the change (empty after a delete or a failed create)
 * @param error      why it failed
 */
public record ItemOutcome(PlannedChange change, Status status, Optional<String> registryId, Optional<String> error) {

    /** What became of a change. */
    public enum Status {
        /** The registry took the write (or there was nothing to write). */
        SUCCEEDED,
        /** The write failed; {@code error} says why. */
        FAILED,
        /** A dry run: the change was planned, not made. */
        PLANNED
    }

    /**
     * Checks the components.
     *
     * @param change the change
     * @param status done, failed, or planned only (dry run)
     * @param registryId the entry's id after the change (empty after a delete or a failed create)
     * @param error why it failed
     */
    public ItemOutcome {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(registryId, "registryId");
        Objects.requireNonNull(error, "error");
    }

    /** {@return whether failed} */
    public boolean failed() {
        return status == Status.FAILED;
    }
}
