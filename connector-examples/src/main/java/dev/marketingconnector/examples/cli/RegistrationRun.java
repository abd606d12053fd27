package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.catalog.CatalogService;
import dev.marketingconnector.core.catalog.ServiceCatalog;
import dev.marketingconnector.core.discovery.DiscoveredService;
import dev.marketingconnector.core.discovery.DiscoveryReport;
import dev.marketingconnector.core.discovery.ServiceDiscovery;
import dev.marketingconnector.core.discovery.ServiceStatus;
import dev.marketingconnector.core.registration.ApplicationRegistration;
import dev.marketingconnector.core.registration.EventCatalogRegistration;
import dev.marketingconnector.core.registry.ApplicationRegistry;
import dev.marketingconnector.core.registry.ChangeAction;
import dev.marketingconnector.core.registry.ItemOutcome;
import dev.marketingconnector.core.registry.PlannedChange;
import dev.marketingconnector.core.registry.ReconcileResult;
import dev.marketingconnector.core.registry.RegistrationReconciler;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registration run as the CLI shows it: a progress line per service as discovery finds it,
 * then a table (service, status, action, reason) and a summary.
 */
final class RegistrationRun {

    /** What a run ended with. */
    record Outcome(DiscoveryReport discovery, ReconcileResult result) {

        /** Unreachable, unauthorised or invalid services and failed writes count as failures. */
        boolean hasFailures() {
            return !result.succeeded() || discovery.services().stream().anyMatch(s -> s.status() != ServiceStatus.ACTIVE
                    && s.status() != ServiceStatus.INACTIVE);
        }

        int exitCode() {
            return hasFailures() ? 1 : 0;
        }
    }

    private final ServiceDiscovery discovery;
    private final ApplicationRegistry registry;
    private final ServiceCatalog catalog;
    private final String applicationName;
    private final PrintStream out;

    RegistrationRun(ServiceDiscovery discovery, ApplicationRegistry registry, ServiceCatalog catalog, String applicationName,
            PrintStream out) {
        this.discovery = discovery;
        this.registry = registry;
        this.catalog = catalog;
        this.applicationName = applicationName;
        this.out = out;
    }

    Outcome run(boolean dryRun) {
        int total = catalog.services().size();
        AtomicInteger done = new AtomicInteger();
        out.printf("Discovering %d %s services…%n", total, catalog.displayName());
        DiscoveryReport report = discovery.discover(catalog, result -> {
            synchronized (out) {
                out.printf("  [%2d/%d] %-42s %s%n", done.incrementAndGet(), total, result.service().key(), describe(result));
            }
        });
        ApplicationRegistration desired = report.toApplicationRegistration(applicationName,
                Optional.of(EventCatalogRegistration.of(catalog)));
        RegistrationReconciler reconciler = new RegistrationReconciler(registry, catalog.product());
        out.printf("%s Application '%s'…%n", dryRun ? "Planning (dry run) for" : "Registering in", applicationName);
        ReconcileResult result = reconciler.reconcile(desired, dryRun);
        Outcome outcome = new Outcome(report, result);
        printTable(outcome);
        return outcome;
    }

    private static String describe(DiscoveredService result) {
        String status = result.status().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return result.status() == ServiceStatus.ACTIVE
                ? status + " (" + result.metadata().map(m -> m.entitySets().size() + (m.entitySets().size() == 1 ? " entity set" : " entity sets")).orElse("") + ")"
                : status + ": " + result.reason();
    }

    private void printTable(Outcome outcome) {
        Map<String, ItemOutcome> byIdentifier = new HashMap<>();
        outcome.result().outcomes().forEach(o -> byIdentifier.put(o.change().identifier(), o));
        Set<String> shown = new HashSet<>();
        List<String[]> rows = new ArrayList<>();
        for (DiscoveredService service : outcome.discovery().services()) {
            String identifier = catalog.identifierFor(service.service());
            shown.add(identifier);
            ItemOutcome item = byIdentifier.get(identifier);
            rows.add(row(service.service(), service, item));
        }
        String eventsId = catalog.eventCatalogIdentifier();
        shown.add(eventsId);
        rows.add(itemRow("(event catalog)", "active", byIdentifier.get(eventsId), ""));
        for (ItemOutcome item : outcome.result().outcomes()) {
            if (!shown.contains(item.change().identifier())) {
                rows.add(itemRow(item.change().name(), "not in catalog", item, ""));
            }
        }
        String[] header = {"SERVICE", "STATUS", "ACTION", "REASON"};
        int[] widths = new int[header.length];
        for (String[] row : concat(header, rows)) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        widths[3] = Math.min(widths[3], 80);
        out.println();
        printRow(header, widths);
        printRow(new String[] {"-".repeat(widths[0]), "-".repeat(widths[1]), "-".repeat(widths[2]), "-".repeat(widths[3])}, widths);
        rows.forEach(r -> printRow(r, widths));
        out.println();
        out.println(summary(outcome));
    }

    private static List<String[]> concat(String[] header, List<String[]> rows) {
        List<String[]> all = new ArrayList<>(rows);
        all.add(header);
        return all;
    }

    private void printRow(String[] row, int[] widths) {
        out.printf("%-" + widths[0] + "s  %-" + widths[1] + "s  %-" + widths[2] + "s  %s%n", row[0], row[1], row[2], row[3]);
    }

    private static String[] row(CatalogService service, DiscoveredService result, ItemOutcome item) {
        String status = result.status().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        if (item == null) {
            return new String[] {service.key(), status, "-", result.reason()};
        }
        return itemRow(service.key(), status, item, result.status() == ServiceStatus.ACTIVE ? "" : result.reason() + "; ");
    }

    private static String[] itemRow(String name, String status, ItemOutcome item, String reasonPrefix) {
        if (item == null) {
            return new String[] {name, status, "-", reasonPrefix};
        }
        PlannedChange change = item.change();
        String action = change.action().name().toLowerCase(Locale.ROOT);
        String reason = reasonPrefix + change.reason();
        if (item.status() == ItemOutcome.Status.FAILED) {
            action += " FAILED";
            reason = reasonPrefix + item.error().orElse("failed");
        } else if (item.status() == ItemOutcome.Status.PLANNED && change.action() != ChangeAction.UNCHANGED) {
            action += " (planned)";
        }
        return new String[] {name, status, action, reason};
    }

    private String summary(Outcome outcome) {
        DiscoveryReport report = outcome.discovery();
        StringBuilder line = new StringBuilder();
        for (ServiceStatus status : ServiceStatus.values()) {
            int count = report.count(status);
            if (count > 0) {
                line.append(line.length() == 0 ? "" : ", ").append(count).append(' ')
                        .append(status.name().toLowerCase(Locale.ROOT).replace('_', ' '));
            }
        }
        Map<ChangeAction, Integer> counts = outcome.result().dryRun() ? outcome.result().plan().counts() : outcome.result().completed();
        line.append(" | ").append(outcome.result().dryRun() ? "planned: " : "")
                .append("created ").append(counts.get(ChangeAction.CREATE))
                .append(", updated ").append(counts.get(ChangeAction.UPDATE))
                .append(", deleted ").append(counts.get(ChangeAction.DELETE))
                .append(", unchanged ").append(counts.get(ChangeAction.UNCHANGED))
                .append(", failed ").append(outcome.result().failures().size());
        if (!outcome.result().plan().foreignEntries().isEmpty()) {
            line.append(" | ").append(outcome.result().plan().foreignEntries().size()).append(" entries of others left alone");
        }
        return line.toString();
    }
}
