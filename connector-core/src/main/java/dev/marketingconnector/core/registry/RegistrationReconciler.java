package dev.marketingconnector.core.registry;

import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.ConnectorLabels;
import dev.marketingconnector.core.registration.Registration;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings an {@link ApplicationRegistry} in line with an {@link ApplicationRegistration}: plans
 * creates, updates and deletes, then applies them one by one, going on past a failed item.
 *
 * <p>Only entries labelled as this connector's (see {@link ConnectorLabels}, with this reconciler's
 * owner) are ever updated or deleted. An entry is matched by identifier, never by display name, so a
 * renamed service is updated in place. An entry is rewritten when what should be there changed (its
 * fingerprint label differs) or when what is there drifted from it: the connector's own entries are
 * read back ({@link ApplicationRegistry#read}) and compared field by field, so an entry edited by hand
 * is repaired in place, and the plan names the fields that drifted. Applying the same desired state
 * twice writes nothing the second time.
 */
public final class RegistrationReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistrationReconciler.class);

    /** Writes sent at once by default, capped by {@link ApplicationRegistry#maxConcurrentWrites()}. */
    public static final int DEFAULT_PARALLELISM = 16;

    private final ApplicationRegistry registry;
    private final String owner;
    private final Clock clock;
    private final int parallelism;

    /**
     * @param registry where the entries live
     * @param owner    who this connector is among others writing to the same Application, usually
     *                 the catalog's product name; entries of other owners are left alone
     */
    public RegistrationReconciler(ApplicationRegistry registry, String owner) {
        this(registry, owner, Clock.systemUTC());
    }

    /**
     * Creates a RegistrationReconciler.
     *
     * @param registry the registry
     * @param owner the owner (usually the catalog's product)
     * @param clock the clock
     */
    public RegistrationReconciler(ApplicationRegistry registry, String owner, Clock clock) {
        this(registry, owner, clock, DEFAULT_PARALLELISM);
    }

    /**
     * @param registry the registry
     * @param owner the owner (usually the catalog's product)
     * @param clock the clock
     * @param parallelism how many writes to send at once (at least 1); the registry's
     *                    {@link ApplicationRegistry#maxConcurrentWrites()} caps it
     */
    public RegistrationReconciler(ApplicationRegistry registry, String owner, Clock clock, int parallelism) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (owner.isBlank()) {
            throw new IllegalArgumentException("owner must not be blank");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, got " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /** {@return the owner} */
    public String owner() {
        return owner;
    }

    /**
     * Lists the registry, reads back the content of the connector's own entries that would otherwise
     * stay unchanged (their fingerprint label says they hold what should be there), and plans the changes.
     *
     * @param desired the desired state
     * @return what would be created, updated, deleted or left alone
     */
    public RegistrationPlan plan(ApplicationRegistration desired) {
        List<RegisteredEntry> actual = registry.list();
        Map<String, String> fingerprints = new HashMap<>();
        desired.entries().forEach(r -> fingerprints.put(r.identifier(), ConnectorLabels.fingerprint(r)));
        Set<String> compared = new HashSet<>();
        List<String> toRead = actual.stream()
                .filter(e -> ConnectorLabels.isOwnedBy(e.labels(), owner))
                .filter(e -> e.identifier().map(fingerprints::get).filter(f -> f.equals(e.labels().get(ConnectorLabels.FINGERPRINT)))
                        .isPresent())
                .filter(e -> compared.add(e.identifier().orElseThrow()))
                .map(RegisteredEntry::id)
                .toList();
        Map<String, LiveContent> contents = toRead.isEmpty() ? Map.of() : registry.read(toRead);
        if (!toRead.isEmpty()) {
            LOG.info("Read back {} of {} own entries of Application '{}' to compare them field by field", contents.size(), toRead.size(),
                    desired.applicationName());
        }
        return plan(desired, actual, contents, owner);
    }

    /**
     * Plans without a registry: desired vs. the listed entries, comparing fingerprint labels only.
     *
     * @param desired the desired state
     * @param actual the actual
     * @param owner the owner (usually the catalog's product)
     * @return what would be created, updated, deleted or left alone
     */
    public static RegistrationPlan plan(ApplicationRegistration desired, List<RegisteredEntry> actual, String owner) {
        return plan(desired, actual, Map.of(), owner);
    }

    /**
     * Plans without a registry: desired vs. the listed entries and, where given, their live content by
     * registry id. An entry whose live content drifted from what should be there is updated, with the
     * drifted fields as the reason ({@code drift: name, api.targetUrl}).
     *
     * @param desired  the registrations that should be there
     * @param actual   the entries the registry lists
     * @param contents live content of listed entries, by registry id (may leave entries out)
     * @param owner    the connector's owner label value: only entries with it are touched
     * @return the plan
     */
    public static RegistrationPlan plan(ApplicationRegistration desired, List<RegisteredEntry> actual, Map<String, LiveContent> contents,
            String owner) {
        Map<String, List<RegisteredEntry>> ownByIdentifier = new LinkedHashMap<>();
        List<RegisteredEntry> foreign = new ArrayList<>();
        List<PlannedChange> changes = new ArrayList<>();
        for (RegisteredEntry entry : actual) {
            if (!ConnectorLabels.isOwnedBy(entry.labels(), owner)) {
                foreign.add(entry);
            } else if (entry.identifier().isEmpty()) {
                changes.add(new PlannedChange(ChangeAction.DELETE, "(none)", entry.name(), Optional.of(entry.id()),
                        Optional.empty(), "connector entry without an identifier"));
            } else {
                ownByIdentifier.computeIfAbsent(entry.identifier().get(), k -> new ArrayList<>()).add(entry);
            }
        }

        for (Registration wanted : desired.entries()) {
            Registration marked = ConnectorLabels.mark(wanted, owner);
            List<RegisteredEntry> existing = ownByIdentifier.remove(wanted.identifier());
            if (existing == null) {
                changes.add(new PlannedChange(ChangeAction.CREATE, wanted.identifier(), wanted.name(), Optional.empty(),
                        Optional.of(marked), "not registered yet"));
                continue;
            }
            RegisteredEntry current = existing.get(0);
            String wantedFingerprint = marked.labels().get(ConnectorLabels.FINGERPRINT);
            LiveContent live = contents.get(current.id());
            List<String> drift = live == null ? List.of() : live.driftFrom(marked);
            if (wantedFingerprint.equals(current.labels().get(ConnectorLabels.FINGERPRINT)) && drift.isEmpty()) {
                changes.add(new PlannedChange(ChangeAction.UNCHANGED, wanted.identifier(), wanted.name(), Optional.of(current.id()),
                        Optional.empty(), "up to date"));
            } else if (wantedFingerprint.equals(current.labels().get(ConnectorLabels.FINGERPRINT))) {
                changes.add(new PlannedChange(ChangeAction.UPDATE, wanted.identifier(), wanted.name(), Optional.of(current.id()),
                        Optional.of(marked), "drift: " + String.join(", ", drift), drift));
            } else {
                changes.add(new PlannedChange(ChangeAction.UPDATE, wanted.identifier(), wanted.name(), Optional.of(current.id()),
                        Optional.of(marked), current.name().equals(wanted.name()) ? "content changed" : "renamed from '" + current.name() + "'"));
            }
            for (RegisteredEntry duplicate : existing.subList(1, existing.size())) {
                changes.add(new PlannedChange(ChangeAction.DELETE, wanted.identifier(), duplicate.name(), Optional.of(duplicate.id()),
                        Optional.empty(), "duplicate entry for the same identifier"));
            }
        }

        ownByIdentifier.forEach((identifier, entries) -> {
            boolean retained = desired.retained().contains(identifier);
            for (int i = 0; i < entries.size(); i++) {
                RegisteredEntry entry = entries.get(i);
                if (retained && i == 0) {
                    changes.add(new PlannedChange(ChangeAction.UNCHANGED, identifier, entry.name(), Optional.of(entry.id()),
                            Optional.empty(), "state unknown this run; left as it is"));
                } else {
                    changes.add(new PlannedChange(ChangeAction.DELETE, identifier, entry.name(), Optional.of(entry.id()),
                            Optional.empty(), retained ? "duplicate entry for the same identifier" : "no longer offered"));
                }
            }
        });
        return new RegistrationPlan(desired.applicationName(), changes, foreign);
    }

    /**
     * Applies a plan, one outcome per change; a failed item does not stop the others.
     *
     * @param plan the plan
     * @return an outcome per planned change
     */
    public ReconcileResult apply(RegistrationPlan plan) {
        return apply(plan, outcome -> { });
    }

    /**
     * Applies a plan and reports each outcome as it happens (for progress output, from any thread).
     * Outcomes come back in plan order.
     *
     * @param plan the plan
     * @param progress hears about each item as it is done
     * @return an outcome per planned change
     */
    public ReconcileResult apply(RegistrationPlan plan, Consumer<ItemOutcome> progress) {
        Instant start = clock.instant();
        List<PlannedChange> changes = plan.changes();
        int threads = Math.min(Math.min(parallelism, Math.max(1, registry.maxConcurrentWrites())),
                (int) changes.stream().filter(c -> c.action() != ChangeAction.UNCHANGED).count());
        ItemOutcome[] outcomes = new ItemOutcome[changes.size()];
        OptionalLong resentBefore = registry.resentCreates();
        if (threads <= 1) {
            for (int i = 0; i < changes.size(); i++) {
                outcomes[i] = applyOne(changes.get(i));
                progress.accept(outcomes[i]);
            }
        } else {
            applyInParallel(changes, outcomes, threads, progress);
        }
        List<ItemOutcome> all = new ArrayList<>(List.of(outcomes));
        OptionalLong resentAfter = registry.resentCreates();
        boolean createsMayHaveLandedTwice = resentBefore.isEmpty() || resentAfter.isEmpty()
                || resentAfter.getAsLong() != resentBefore.getAsLong();
        for (ItemOutcome cleanup : createsMayHaveLandedTwice ? removeDuplicatesOfCreates(outcomes) : List.<ItemOutcome>of()) {
            all.add(cleanup);
            progress.accept(cleanup);
        }
        Instant end = clock.instant();
        ReconcileResult result = new ReconcileResult(plan, all, false, end, Duration.between(start, end));
        LOG.info("Reconciled Application '{}': {} (failed: {})", plan.applicationName(), result.completed(), result.failures().size());
        return result;
    }

    private void applyInParallel(List<PlannedChange> changes, ItemOutcome[] outcomes, int threads, Consumer<ItemOutcome> progress) {
        ExecutorService executor = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "registration-writer");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < changes.size(); i++) {
                int index = i;
                futures.add(executor.submit(() -> {
                    outcomes[index] = applyOne(changes.get(index));
                    synchronized (progress) {
                        progress.accept(outcomes[index]);
                    }
                }));
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a registration write failed unexpectedly", e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying the registration plan", e);
        } finally {
            executor.shutdownNow();
        }
    }

    /**
     * Plans and, unless {@code dryRun}, applies. A dry run writes nothing and marks every change as planned.
     *
     * @param desired the desired state
     * @param dryRun true to plan without writing
     * @return the plan and an outcome per item
     */
    public ReconcileResult reconcile(ApplicationRegistration desired, boolean dryRun) {
        return reconcile(desired, dryRun, outcome -> { });
    }

    /**
     * Plans and, unless it is a dry run, applies, telling {@code progress} about each item as it is done.
     *
     * @param desired the desired state
     * @param dryRun true to plan without writing
     * @param progress hears about each item as it is done
     * @return the plan and an outcome per item
     */
    public ReconcileResult reconcile(ApplicationRegistration desired, boolean dryRun, Consumer<ItemOutcome> progress) {
        Instant start = clock.instant();
        RegistrationPlan plan = plan(desired);
        if (!dryRun) {
            return apply(plan, progress);
        }
        List<ItemOutcome> outcomes = new ArrayList<>();
        for (PlannedChange change : plan.changes()) {
            ItemOutcome outcome = new ItemOutcome(change, ItemOutcome.Status.PLANNED, change.registryId(), Optional.empty());
            outcomes.add(outcome);
            progress.accept(outcome);
        }
        Instant end = clock.instant();
        return new ReconcileResult(plan, outcomes, true, end, Duration.between(start, end));
    }

    /**
     * A create whose answer was lost may still land after the registry was asked whether it did (a
     * request stuck in a proxy, say), so the entry would exist twice. After creating, the registry is
     * listed once more and any second entry of an identifier created in this run is deleted, keeping the
     * one the create returned. Only when a create was sent again after a lost answer, as far as the
     * registry can tell ({@link ApplicationRegistry#resentCreates()}). A failing list here is only logged: the next run's plan removes
     * duplicates too.
     */
    private List<ItemOutcome> removeDuplicatesOfCreates(ItemOutcome[] outcomes) {
        Map<String, String> created = new HashMap<>();
        for (ItemOutcome outcome : outcomes) {
            if (outcome.change().action() == ChangeAction.CREATE && !outcome.failed()) {
                outcome.registryId().ifPresent(id -> created.put(outcome.change().identifier(), id));
            }
        }
        if (created.isEmpty()) {
            return List.of();
        }
        List<RegisteredEntry> entries;
        try {
            entries = registry.list();
        } catch (RuntimeException e) {
            LOG.warn("Could not check the Application for duplicate entries after creating: {}", e.getMessage());
            return List.of();
        }
        List<ItemOutcome> cleanups = new ArrayList<>();
        for (RegisteredEntry entry : entries) {
            String identifier = entry.identifier().orElse(null);
            String kept = identifier == null ? null : created.get(identifier);
            if (kept != null && !kept.equals(entry.id()) && ConnectorLabels.isOwnedBy(entry.labels(), owner)) {
                LOG.warn("'{}' was registered twice (a create retried after its answer was lost landed late): deleting entry {}",
                        identifier, entry.id());
                cleanups.add(applyOne(new PlannedChange(ChangeAction.DELETE, identifier, entry.name(), Optional.of(entry.id()),
                        Optional.empty(), "duplicate left by a create whose answer was lost")));
            }
        }
        return cleanups;
    }

    private ItemOutcome applyOne(PlannedChange change) {
        try {
            return switchOn(change);
        } catch (RuntimeException e) {
            LOG.warn("Could not {} '{}' ({}): {}", change.action().name().toLowerCase(java.util.Locale.ROOT), change.name(),
                    change.identifier(), e.getMessage());
            return new ItemOutcome(change, ItemOutcome.Status.FAILED, change.action() == ChangeAction.CREATE ? Optional.empty() : change.registryId(),
                    Optional.of(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private ItemOutcome switchOn(PlannedChange change) {
        switch (change.action()) {
            case CREATE: {
                String id = registry.create(change.registration().orElseThrow());
                return new ItemOutcome(change, ItemOutcome.Status.SUCCEEDED, Optional.of(id), Optional.empty());
            }
            case UPDATE:
                registry.update(change.registryId().orElseThrow(), change.registration().orElseThrow());
                return new ItemOutcome(change, ItemOutcome.Status.SUCCEEDED, change.registryId(), Optional.empty());
            case DELETE:
                registry.delete(change.registryId().orElseThrow());
                return new ItemOutcome(change, ItemOutcome.Status.SUCCEEDED, Optional.empty(), Optional.empty());
            default:
                return new ItemOutcome(change, ItemOutcome.Status.SUCCEEDED, change.registryId(), Optional.empty());
        }
    }
}
