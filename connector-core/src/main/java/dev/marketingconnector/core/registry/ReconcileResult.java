package dev.marketingconnector.core.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The outcome of applying (or, in a dry run, only planning) a {@link RegistrationPlan}. */
public record ReconcileResult(RegistrationPlan plan, List<ItemOutcome> outcomes, boolean dryRun, Instant finishedAt, Duration took) {

    /**
     * Checks the components.
     *
     * @param plan the plan
     * @param outcomes the outcomes
     * @param dryRun true to plan without writing
     * @param finishedAt the finished at
     * @param took the took
     */
    public ReconcileResult {
        Objects.requireNonNull(plan, "plan");
        outcomes = List.copyOf(outcomes);
        Objects.requireNonNull(finishedAt, "finishedAt");
        Objects.requireNonNull(took, "took");
    }

    /** {@return the failures} */
    public List<ItemOutcome> failures() {
        return outcomes.stream().filter(ItemOutcome::failed).toList();
    }

    /** {@return whether succeeded} */
    public boolean succeeded() {
        return failures().isEmpty();
    }

    /** {@return how many changes of each action succeeded (or were planned, in a dry run)} */
    public Map<ChangeAction, Integer> completed() {
        Map<ChangeAction, Integer> counts = new EnumMap<>(ChangeAction.class);
        for (ChangeAction action : ChangeAction.values()) {
            counts.put(action, 0);
        }
        outcomes.stream().filter(o -> !o.failed()).forEach(o -> counts.merge(o.change().action(), 1, Integer::sum));
        return counts;
    }
}
