package dev.marketingconnector.core.registry;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a reconciliation would do: one change per entry (create, update, delete or unchanged), and
 * the entries it leaves alone because another party created them.
 */
public record RegistrationPlan(String applicationName, List<PlannedChange> changes, List<RegisteredEntry> foreignEntries) {

    /**
     * Checks the components.
     *
     * @param applicationName the Kyma Application
     * @param changes the changes
     * @param foreignEntries the foreign entries
     */
    public RegistrationPlan {
        Objects.requireNonNull(applicationName, "applicationName");
        changes = List.copyOf(changes);
        foreignEntries = List.copyOf(foreignEntries);
    }

    /**
     * The changes of one kind.
     *
     * @param action the action
     * @return the changes
     */
    public List<PlannedChange> changes(ChangeAction action) {
        return changes.stream().filter(c -> c.action() == action).toList();
    }

    /** {@return the counts} */
    public Map<ChangeAction, Integer> counts() {
        Map<ChangeAction, Integer> counts = new EnumMap<>(ChangeAction.class);
        for (ChangeAction action : ChangeAction.values()) {
            counts.put(action, 0);
        }
        changes.forEach(c -> counts.merge(c.action(), 1, Integer::sum));
        return counts;
    }

    /**
     * True when applying the plan would write anything.
     *
     * @return true when applying the plan would write anything
     */
    public boolean hasWrites() {
        return changes.stream().anyMatch(c -> c.action() != ChangeAction.UNCHANGED);
    }
}
