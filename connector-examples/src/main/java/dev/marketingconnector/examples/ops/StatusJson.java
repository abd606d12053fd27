package dev.marketingconnector.examples.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.mqtt.ConnectedClient;
import dev.marketingconnector.mqtt.DeadLetter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** {@link StatusReport} as JSON: times in RFC 3339 (UTC), durations in seconds, absent values as null. */
final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {
    }

    static String render(StatusReport report) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree(report));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(StatusReport report) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", report.version());
        root.put("now", report.now().toString());
        root.put("startedAt", report.startedAt().toString());
        root.put("uptimeSeconds", report.uptime().getSeconds());
        root.put("ready", report.ready());

        StatusReport.Sap sap = report.sap();
        ObjectNode sapNode = root.putObject("sap");
        sapNode.put("connected", sap.connected());
        time(sapNode, "lastConnectedAt", sap.lastConnectedAt());
        time(sapNode, "lastDisconnectedAt", sap.lastDisconnectedAt());
        time(sapNode, "lastEventAt", sap.lastEventAt());
        text(sapNode, "hint", sap.hint());
        counts(sapNode.putObject("refusedConnects"), sap.refusedConnects());
        if (sap.lastRefusal().isPresent()) {
            StatusReport.Refusal refusal = sap.lastRefusal().get();
            ObjectNode node = sapNode.putObject("lastRefusal");
            node.put("time", refusal.time().toString());
            node.put("reason", refusal.reason());
            node.put("remoteAddress", refusal.remoteAddress());
            node.put("hint", refusal.hint());
        } else {
            sapNode.putNull("lastRefusal");
        }
        counts(sapNode.putObject("tokenRequests"), sap.tokenRequests());
        time(sapNode, "lastTokenRefusal", sap.lastTokenRefusal());

        root.put("clientsNotShown", report.clientsNotShown());
        ArrayNode clients = root.putArray("clients");
        for (ConnectedClient client : report.clients()) {
            ObjectNode node = clients.addObject();
            node.put("clientId", client.clientId());
            node.put("remoteAddress", client.remoteAddress());
            node.put("transport", client.transport());
            node.put("connectedSince", client.connectedSince().toString());
            time(node, "lastEventAt", client.lastEventAt());
            node.put("events", client.events());
            node.put("failures", client.failures());
        }

        StatusReport.Events events = report.events();
        ObjectNode eventsNode = root.putObject("events");
        eventsNode.put("received", events.received());
        eventsNode.put("forwarded", events.forwarded());
        eventsNode.put("retried", events.retried());
        eventsNode.put("deadLettered", events.deadLettered());
        eventsNode.put("inFlight", events.inFlight());

        StatusReport.Publisher publisher = report.publisher();
        ObjectNode publisherNode = root.putObject("publisher");
        publisherNode.put("circuitState", publisher.circuitState());
        if (publisher.lastError().isPresent()) {
            StatusReport.PublishFailure failure = publisher.lastError().get();
            ObjectNode node = publisherNode.putObject("lastError");
            node.put("time", failure.time().toString());
            node.put("permanent", failure.permanent());
            node.put("message", failure.message());
        } else {
            publisherNode.putNull("lastError");
        }
        time(publisherNode, "lastSuccessAt", publisher.lastSuccessAt());
        text(publisherNode, "hint", publisher.hint());

        SpoolSection.json(root, report.spool(), report.now());

        ArrayNode deadLetters = root.putArray("deadLetters");
        for (DeadLetter deadLetter : report.deadLetters()) {
            ObjectNode node = deadLetters.addObject();
            node.put("time", deadLetter.time().toString());
            node.put("reason", Names.deadLetter(deadLetter.reason()));
            node.put("detail", deadLetter.detail());
            node.put("topic", deadLetter.topic());
            node.put("clientId", deadLetter.clientId());
            node.put("payloadBytes", deadLetter.payloadBytes());
        }

        StatusReport.Registration registration = report.registration();
        ObjectNode registrationNode = root.putObject("registration");
        registrationNode.put("runsHere", registration.runsHere());
        registrationNode.put("note", registration.note());
        if (registration.lastRun().isPresent()) {
            StatusReport.LastRegistration run = registration.lastRun().get();
            ObjectNode node = registrationNode.putObject("lastRun");
            node.put("finishedAt", run.finishedAt().toString());
            node.put("outcome", run.outcome());
            node.put("tookMillis", run.took().toMillis());
            ObjectNode counts = node.putObject("counts");
            run.counts().forEach(counts::put);
            ArrayNode failures = node.putArray("failures");
            for (StatusReport.FailedItem item : run.failures()) {
                failures.addObject().put("item", item.item()).put("reason", item.reason());
            }
        } else {
            registrationNode.putNull("lastRun");
        }
        return root;
    }

    private static void time(ObjectNode node, String field, Optional<Instant> value) {
        if (value.isPresent()) {
            node.put(field, value.get().toString());
        } else {
            node.putNull(field);
        }
    }

    private static void text(ObjectNode node, String field, Optional<String> value) {
        if (value.isPresent()) {
            node.put(field, value.get());
        } else {
            node.putNull(field);
        }
    }

    private static void counts(ObjectNode node, Map<String, Long> counts) {
        counts.forEach(node::put);
    }
}
