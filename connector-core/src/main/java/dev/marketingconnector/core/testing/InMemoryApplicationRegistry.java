package dev.marketingconnector.core.testing;

import dev.marketingconnector.core.registration.ApiRegistration;
import dev.marketingconnector.core.registration.BasicCredentials;
import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.LiveContent;
import dev.marketingconnector.core.registry.RegisteredEntry;
import dev.marketingconnector.core.registry.RegistryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An {@link ApplicationRegistry} held in memory, for tests of code that registers entries. It
 * enforces what a real registry does (an update or delete of an unknown id fails, a registration
 * needs a name), records every write, and fails the next calls on request, for any call or for
 * one operation only.
 *
 * <pre>{@code
 * InMemoryApplicationRegistry registry = new InMemoryApplicationRegistry();
 * registry.failNext(Operation.CREATE, 503, 1);   // one failed write; list() and the other writes go through
 * registry.failNext(1);                          // the next call, whatever it is, throws a RegistryException
 * new RegistrationReconciler(registry, "my-product").reconcile(desired, false);
 * assertThat(registry.registrations()).hasSize(3);
 * registry.editByHand(id, r -> ...);        // somebody changes an entry behind the connector's back
 * }</pre>
 */
public final class InMemoryApplicationRegistry implements ApplicationRegistry {

    /** The endpoint name reported in the exceptions it throws. */
    public static final String ENDPOINT = "in-memory";

    /**
     * A write the registry received.
     *
     * @param operation    {@link Operation#CREATE}, {@link Operation#UPDATE} or {@link Operation#DELETE}
     * @param id           the entry's id
     * @param registration what was written (empty for a delete)
     */
    public record Write(Operation operation, String id, Optional<Registration> registration) {
    }

    /** The registry's operations: what {@link #writes()} records and what {@link #failNext(Operation, int, int)} targets. */
    public enum Operation {
        /** {@link ApplicationRegistry#create}. */
        CREATE,
        /** {@link ApplicationRegistry#update}. */
        UPDATE,
        /** {@link ApplicationRegistry#delete}. */
        DELETE,
        /** {@link ApplicationRegistry#list}; never recorded as a write. */
        LIST,
        /** {@link ApplicationRegistry#read}, the reconciler's read-back of its own entries; never recorded as a write. */
        READ
    }

    private final Map<String, Stored> entries = new LinkedHashMap<>();
    private final List<Write> writes = new ArrayList<>();
    private final Deque<Fault> failures = new ArrayDeque<>();
    private int nextId = 1;
    private int listCalls;
    private int entriesRead;

    private record Stored(RegisteredEntry entry, Optional<Registration> registration) {
    }

    /** A failure to inject: for one operation, or for any when {@code operation} is null. */
    private record Fault(Operation operation, Supplier<RuntimeException> failure) {
    }

    @Override
    public synchronized List<RegisteredEntry> list() {
        failIfAsked(Operation.LIST);
        listCalls++;
        return entries.values().stream().map(Stored::entry).toList();
    }

    /** Shows every field as stored, secrets included. */
    @Override
    public synchronized Map<String, LiveContent> read(Collection<String> ids) {
        failIfAsked(Operation.READ);
        Map<String, LiveContent> contents = new LinkedHashMap<>();
        for (String id : ids) {
            Stored stored = entries.get(id);
            if (stored != null && stored.registration().isPresent()) {
                contents.put(id, LiveContent.of(stored.registration().get()));
                entriesRead++;
            }
        }
        return contents;
    }

    @Override
    public synchronized String create(Registration registration) {
        Objects.requireNonNull(registration, "registration");
        failIfAsked(Operation.CREATE);
        validate(registration);
        String id = "entry-" + nextId++;
        entries.put(id, stored(id, registration));
        writes.add(new Write(Operation.CREATE, id, Optional.of(registration)));
        return id;
    }

    @Override
    public synchronized void update(String id, Registration registration) {
        Objects.requireNonNull(registration, "registration");
        failIfAsked(Operation.UPDATE);
        requireKnown(id);
        validate(registration);
        entries.put(id, stored(id, registration));
        writes.add(new Write(Operation.UPDATE, id, Optional.of(registration)));
    }

    @Override
    public synchronized void delete(String id) {
        failIfAsked(Operation.DELETE);
        requireKnown(id);
        entries.remove(id);
        writes.add(new Write(Operation.DELETE, id, Optional.empty()));
    }

    /** {@return 0: a create here lands once, under the id it returns} */
    @Override
    public OptionalLong resentCreates() {
        return OptionalLong.of(0);
    }

    /** Takes any number of writes at once (each is applied atomically). */
    @Override
    public int maxConcurrentWrites() {
        return Integer.MAX_VALUE;
    }

    /**
     * Adds an entry that somebody else created (no connector labels unless given); returns its id.
     *
     * @param name the name
     * @param identifier the stable identifier
     * @param labels the labels
     * @return the id the entry got
     */
    public synchronized String addForeignEntry(String name, Optional<String> identifier, Map<String, String> labels) {
        String id = "foreign-" + nextId++;
        entries.put(id, new Stored(new RegisteredEntry(id, name, identifier, labels), Optional.empty()));
        return id;
    }

    /**
     * Changes a stored entry the way somebody editing the registry by hand would: {@code edit} gets the
     * registration as stored (the connector's labels included) and returns what is stored instead. Not
     * recorded as a write. The identifier stays the entry's identity.
     *
     * @throws IllegalArgumentException when no entry with a registration has this id
     * @param id   the registry id of the entry
     * @param edit turns the stored registration into the edited one
     * @return this registry
     */
    public synchronized InMemoryApplicationRegistry editByHand(String id, UnaryOperator<Registration> edit) {
        Stored stored = entries.get(id);
        if (stored == null || stored.registration().isEmpty()) {
            throw new IllegalArgumentException("no entry with a registration has the id '" + id + "'");
        }
        Registration edited = Objects.requireNonNull(edit.apply(stored.registration().get()), "edited registration");
        entries.put(id, new Stored(new RegisteredEntry(id, edited.name(), stored.entry().identifier(), edited.labels()),
                Optional.of(edited)));
        return this;
    }

    /**
     * The next {@code calls} calls, whatever their operation ({@code list()} included), throw a
     * {@link RegistryException} with status 503.
     *
     * @param calls how many calls fail
     * @return this registry
     */
    public synchronized InMemoryApplicationRegistry failNext(int calls) {
        return failNext(calls, () -> new RegistryException(ENDPOINT, 503, "injected failure"));
    }

    /**
     * The next {@code calls} calls, whatever their operation, throw what {@code failure} supplies.
     *
     * @param calls   how many calls fail
     * @param failure supplies the exception each failing call throws
     * @return this registry
     */
    public synchronized InMemoryApplicationRegistry failNext(int calls, Supplier<RuntimeException> failure) {
        return inject(null, calls, failure);
    }

    /**
     * The next {@code count} calls of one operation throw a {@link RegistryException} with {@code status};
     * other operations go through. {@code failNext(Operation.CREATE, 503, 1)} is one failed write, as
     * {@code MockKyma.failNext(Route, status, count)} fails one route.
     *
     * @param operation the operation to fail
     * @param status    the status the exception carries (400 to 599)
     * @param count     how many calls of that operation fail
     * @return this registry
     */
    public synchronized InMemoryApplicationRegistry failNext(Operation operation, int status, int count) {
        Objects.requireNonNull(operation, "operation");
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("status must be an error status (400-599), got " + status);
        }
        return inject(operation, count, () -> new RegistryException(ENDPOINT, status, "injected " + operation.name().toLowerCase(Locale.ROOT) + " failure"));
    }

    /**
     * The next {@code count} calls of one operation throw what {@code failure} supplies.
     *
     * @param operation the operation to fail
     * @param count     how many calls of that operation fail
     * @param failure   supplies the exception each failing call throws
     * @return this registry
     */
    public synchronized InMemoryApplicationRegistry failNext(Operation operation, int count, Supplier<RuntimeException> failure) {
        return inject(Objects.requireNonNull(operation, "operation"), count, failure);
    }

    private InMemoryApplicationRegistry inject(Operation operation, int count, Supplier<RuntimeException> failure) {
        Objects.requireNonNull(failure, "failure");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        for (int i = 0; i < count; i++) {
            failures.add(new Fault(operation, failure));
        }
        return this;
    }

    /**
     * Injected failures not yet used up.
     *
     * @return how many calls are still set to fail
     */
    public synchronized int pendingFailures() {
        return failures.size();
    }

    /** {@return the registrations stored now, by id (foreign entries have none)} */
    public synchronized Map<String, Registration> registrations() {
        Map<String, Registration> result = new LinkedHashMap<>();
        entries.forEach((id, stored) -> stored.registration().ifPresent(r -> result.put(id, r)));
        return result;
    }

    /** {@return every entry, the connector's and foreign ones} */
    public synchronized List<RegisteredEntry> entries() {
        return entries.values().stream().map(Stored::entry).toList();
    }

    /**
     * The registration stored under an id.
     *
     * @param id the id
     * @return the registration
     */
    public synchronized Optional<Registration> registration(String id) {
        Stored stored = entries.get(id);
        return stored == null ? Optional.empty() : stored.registration();
    }

    /** {@return every successful create, update and delete, in order} */
    public synchronized List<Write> writes() {
        return List.copyOf(writes);
    }

    /** {@return the list calls} */
    public synchronized int listCalls() {
        return listCalls;
    }

    /** {@return how many entries {@link #read(Collection)} has shown so far} */
    public synchronized int entriesRead() {
        return entriesRead;
    }

    /** Forgets the recorded writes (not the entries). */
    public synchronized void clearWrites() {
        writes.clear();
    }

    private void failIfAsked(Operation operation) {
        for (Iterator<Fault> it = failures.iterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.operation() == null || fault.operation() == operation) {
                it.remove();
                throw fault.failure().get();
            }
        }
    }

    private void requireKnown(String id) {
        if (id == null || !entries.containsKey(id)) {
            throw new RegistryException(ENDPOINT, 404, "no entry with id '" + id + "'");
        }
    }

    private static void validate(Registration registration) {
        if (registration instanceof ApiRegistration api && api.credentials() instanceof BasicCredentials basic
                && basic.password().isEmpty()) {
            throw new RegistryException(ENDPOINT, 400, "entry '" + api.identifier() + "': basic credentials need a password");
        }
    }

    private static Stored stored(String id, Registration registration) {
        return new Stored(new RegisteredEntry(id, registration.name(), Optional.of(registration.identifier()), registration.labels()),
                Optional.of(registration));
    }
}
