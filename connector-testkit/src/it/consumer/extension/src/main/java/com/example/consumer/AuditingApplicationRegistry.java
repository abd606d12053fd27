package com.example.consumer;

import dev.marketingconnector.core.registration.Registration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.LiveContent;
import dev.marketingconnector.core.registry.RegisteredEntry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** A user's own registry: passes every call on and keeps an audit line per write, failed writes included. */
public final class AuditingApplicationRegistry implements ApplicationRegistry {

    private final ApplicationRegistry delegate;
    private final List<String> audit = new ArrayList<>();

    public AuditingApplicationRegistry(ApplicationRegistry delegate) {
        this.delegate = delegate;
    }

    @Override
    public List<RegisteredEntry> list() {
        return delegate.list();
    }

    @Override
    public Map<String, LiveContent> read(Collection<String> ids) {
        return delegate.read(ids);
    }

    @Override
    public String create(Registration registration) {
        try {
            String id = delegate.create(registration);
            record("created " + registration.identifier());
            return id;
        } catch (RuntimeException e) {
            record("failed to create " + registration.identifier());
            throw e;
        }
    }

    @Override
    public void update(String id, Registration registration) {
        delegate.update(id, registration);
        record("updated " + registration.identifier());
    }

    @Override
    public void delete(String id) {
        delegate.delete(id);
        record("deleted " + id);
    }

    private synchronized void record(String line) {
        audit.add(line);
    }

    public synchronized List<String> audit() {
        return List.copyOf(audit);
    }
}
