package dev.marketingconnector.examples.cli;

import dev.marketingconnector.core.config.ConfigurationException;
import dev.marketingconnector.core.config.ConfigurationProblem;
import dev.marketingconnector.core.events.BusinessEvent;
import dev.marketingconnector.core.events.EventPublisher;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.SpoolCodec;
import dev.marketingconnector.core.spool.StoredDeadLetter;
import dev.marketingconnector.disk.DiskDeadLetterStore;
import dev.marketingconnector.mqtt.EventMappingException;
import dev.marketingconnector.mqtt.SapEventMapper;
import dev.marketingconnector.nats.JetStreamEventSpool;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The spool's dead-letter area from the command line: list, show (with the payload), deliver again
 * once the cause is fixed, delete. Works while the bridge runs (disk: the area is a directory of
 * files; JetStream: a stream every replica shares). Without a spool the dead letters live in the
 * bridge's memory: {@code GET /status/dead-letters} on its status port.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true,
        description = "List, show, deliver again (replay) or delete the dead letters in the spool's dead-letter area (SPOOL=disk|jetstream).")
final class DeadLettersCommand {

    static final long REPLAY_TIMEOUT_SECONDS = 120;

    @Mixin
    SettingsOptions settings;

    private final MarketingConnectorCli cli;

    DeadLettersCommand(MarketingConnectorCli cli) {
        this.cli = cli;
    }

    /** The area and what must be closed with it. */
    private record Area(DeadLetterStore store, AutoCloseable owner) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            owner.close();
        }
    }

    private Optional<Area> open() {
        List<ConfigurationProblem> problems = new ArrayList<>();
        Settings resolved;
        try {
            resolved = settings.resolve(cli.environment());
        } catch (ConfigurationException e) {
            cli.out().println(e.getMessage());
            return Optional.empty();
        }
        SpoolSettings spool = SpoolSettings.from(resolved, problems);
        if (!problems.isEmpty()) {
            cli.out().println(new ConfigurationException(problems).getMessage());
            return Optional.empty();
        }
        switch (spool.mode) {
            case DISK -> {
                DiskDeadLetterStore store = DiskDeadLetterStore.open(spool.disk.orElseThrow().directory(), spool.deadLetterMaxBytes);
                return Optional.of(new Area(store, store));
            }
            case JETSTREAM -> {
                EventSpool connected = JetStreamEventSpool.connect(spool.jetStream.orElseThrow());
                return Optional.of(new Area(connected.deadLetters(), connected));
            }
            default -> {
                cli.out().println("SPOOL=none: dead letters are kept in the bridge's memory only (the last DEAD_LETTERS_KEPT). "
                        + "List them with GET /status/dead-letters on its status port, one with its payload with "
                        + "GET /status/dead-letters?id=<id>. Set SPOOL=disk or SPOOL=jetstream to keep them durably.");
                return Optional.empty();
            }
        }
    }

    @Command(name = "list", description = "The dead letters, newest first.")
    int list(@Option(names = "--limit", defaultValue = "100", description = "At most this many (default 100).") int limit)
            throws Exception {
        Optional<Area> area = open();
        if (area.isEmpty()) {
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        try (Area a = area.get()) {
            List<StoredDeadLetter> letters = a.store().list(limit);
            String format = "%-22s %-24s %-18s %-20s %8s  %s%n";
            cli.out().printf(format, "ID", "TIME", "REASON", "CLIENT", "BYTES", "TOPIC / DETAIL");
            for (StoredDeadLetter l : letters) {
                DeadLetterEntry e = l.entry();
                cli.out().printf(format, l.id(), e.time(), e.reason(), e.clientId().isEmpty() ? "-" : e.clientId(), e.payloadBytes(),
                        (e.topic().isEmpty() ? "" : e.topic() + ": ") + e.detail());
            }
            cli.out().printf("%d dead letter(s) in %s%n", a.store().stats().count(), a.owner() instanceof EventSpool s ? s.describe()
                    : ((DiskDeadLetterStore) a.owner()).directory());
        }
        return MarketingConnectorCli.EXIT_OK;
    }

    @Command(name = "show", description = "One dead letter with its payload (as text when it is UTF-8, else base64).")
    int show(@Parameters(paramLabel = "<id>") String id) throws Exception {
        Optional<Area> area = open();
        if (area.isEmpty()) {
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        try (Area a = area.get()) {
            Optional<StoredDeadLetter> letter = a.store().get(id);
            if (letter.isEmpty()) {
                cli.out().println("No dead letter with id '" + id + "'.");
                return MarketingConnectorCli.EXIT_FAILED_ITEMS;
            }
            DeadLetterEntry e = letter.get().entry();
            cli.out().printf("id:       %s%ntime:     %s%nreason:   %s%ndetail:   %s%ntopic:    %s%nclient:   %s%nkind:     %s%nbytes:    %d%n",
                    id, e.time(), e.reason(), e.detail(), e.topic(), e.clientId(), e.kind(), e.payloadBytes());
            byte[] payload = e.payload();
            Optional<String> text = utf8(payload);
            cli.out().println(text.map(t -> "payload:\n" + t).orElse("payload (base64):\n" + Base64.getEncoder().encodeToString(payload)));
        }
        return MarketingConnectorCli.EXIT_OK;
    }

    @Command(name = "replay", description = "Deliver dead letters to Kyma again (the same publisher, retries and event ids as the bridge); "
            + "each one Kyma accepts is removed. Fix the cause first.")
    int replay(@Parameters(paramLabel = "<id>", arity = "0..*", description = "The dead letters to deliver.") List<String> ids,
            @Option(names = "--all", description = "Every dead letter.") boolean all) throws Exception {
        if ((ids == null || ids.isEmpty()) == !all) {
            cli.out().println("Name the dead letters to replay by id, or give --all (not both).");
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        ConnectorSetup setup;
        try {
            setup = ConnectorSetup.from(settings.resolve(cli.environment()));
        } catch (ConfigurationException e) {
            cli.out().println(e.getMessage());
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        Optional<Area> area = open();
        if (area.isEmpty()) {
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        int failed = 0;
        int delivered = 0;
        SapEventMapper mapper = new SapEventMapper();
        try (Area a = area.get(); EventPublisher publisher = setup.publisher()) {
            List<StoredDeadLetter> letters = selected(a.store(), ids, all);
            if (ids != null) {
                for (String id : ids) {
                    if (letters.stream().noneMatch(l -> l.id().equals(id))) {
                        cli.out().printf("%-22s not found%n", id);
                        failed++;
                    }
                }
            }
            for (StoredDeadLetter letter : letters) {
                DeadLetterEntry e = letter.entry();
                BusinessEvent event;
                try {
                    event = e.kind() == DeadLetterEntry.PayloadKind.EVENT ? SpoolCodec.decodeEvent(e.payload())
                            : mapper.map(e.topic(), e.payload(), e.time());
                } catch (EventMappingException | IllegalArgumentException problem) {
                    cli.out().printf("%-22s still not an event: %s%n", letter.id(), problem.getMessage());
                    failed++;
                    continue;
                }
                try {
                    publisher.publish(event).toCompletableFuture().get(REPLAY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    a.store().remove(letter.id());
                    cli.out().printf("%-22s delivered as event %s (%s), removed%n", letter.id(), event.id(), event.type());
                    delivered++;
                } catch (ExecutionException | CompletionException | TimeoutException problem) {
                    Throwable cause = problem.getCause() != null && !(problem instanceof TimeoutException) ? problem.getCause() : problem;
                    cli.out().printf("%-22s not delivered, kept: %s%n", letter.id(), cause.getMessage());
                    failed++;
                }
            }
        }
        cli.out().printf("replayed: delivered %d, failed %d%n", delivered, failed);
        return failed == 0 ? MarketingConnectorCli.EXIT_OK : MarketingConnectorCli.EXIT_FAILED_ITEMS;
    }

    @Command(name = "delete", description = "Remove dead letters for good.")
    int delete(@Parameters(paramLabel = "<id>", arity = "0..*") List<String> ids,
            @Option(names = "--all", description = "Every dead letter.") boolean all) throws Exception {
        if ((ids == null || ids.isEmpty()) == !all) {
            cli.out().println("Name the dead letters to delete by id, or give --all (not both).");
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        Optional<Area> area = open();
        if (area.isEmpty()) {
            return MarketingConnectorCli.EXIT_BAD_CONFIGURATION;
        }
        int missing = 0;
        int removed = 0;
        try (Area a = area.get()) {
            List<String> targets = all ? a.store().list(Integer.MAX_VALUE).stream().map(StoredDeadLetter::id).toList() : ids;
            for (String id : targets) {
                if (a.store().remove(id)) {
                    removed++;
                } else {
                    cli.out().printf("%-22s not found%n", id);
                    missing++;
                }
            }
        }
        cli.out().printf("deleted %d%n", removed);
        return missing == 0 ? MarketingConnectorCli.EXIT_OK : MarketingConnectorCli.EXIT_FAILED_ITEMS;
    }

    private static List<StoredDeadLetter> selected(DeadLetterStore store, List<String> ids, boolean all) {
        if (all) {
            List<StoredDeadLetter> letters = new ArrayList<>(store.list(Integer.MAX_VALUE));
            java.util.Collections.reverse(letters); // oldest first, the order they came in
            return letters;
        }
        List<StoredDeadLetter> letters = new ArrayList<>();
        for (String id : ids) {
            store.get(id).ifPresent(letters::add);
        }
        return letters;
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }
}
