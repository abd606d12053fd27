package dev.marketingconnector.examples.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.spool.DeadLetterEntry;
import dev.marketingconnector.core.spool.DeadLetterStore;
import dev.marketingconnector.core.spool.StoredDeadLetter;
import dev.marketingconnector.mqtt.HttpRoute;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /status/dead-letters}: the dead letters kept, newest first, as JSON; with
 * {@code ?id=<id>} one of them with its payload (base64, and as text when it is UTF-8), for an
 * operator to look at and deliver again; {@code ?payloads=true} lists them all with payloads. Served
 * where {@code /status} is, so never on the public hosts.
 */
final class DeadLetterRoute implements HttpRoute {

    static final String PATH = "/status/dead-letters";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIST_LIMIT = 1000;

    private final Supplier<Optional<DeadLetterStore>> store;

    DeadLetterRoute(Supplier<Optional<DeadLetterStore>> store) {
        this.store = store;
    }

    @Override
    public Response handle(Request request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Response.json(405, "{\"error\":\"method_not_allowed\",\"error_description\":\"use GET\"}");
        }
        Optional<DeadLetterStore> letters = store.get();
        if (letters.isEmpty()) {
            return Response.json(404, "{\"error\":\"not_found\",\"error_description\":\"this process keeps no dead letters\"}");
        }
        Optional<String> id = parameter(request.query(), "id");
        if (id.isPresent()) {
            Optional<StoredDeadLetter> letter = letters.get().get(id.get());
            if (letter.isEmpty()) {
                return Response.json(404, "{\"error\":\"not_found\",\"error_description\":\"no dead letter with this id\"}");
            }
            return Response.json(200, JSON.createObjectNode().setAll(node(letter.get(), true)).toPrettyString());
        }
        boolean payloads = parameter(request.query(), "payloads").filter("true"::equalsIgnoreCase).isPresent();
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("deadLetters");
        for (StoredDeadLetter letter : letters.get().list(LIST_LIMIT)) {
            list.add(node(letter, payloads));
        }
        return Response.json(200, root.toPrettyString());
    }

    static ObjectNode node(StoredDeadLetter letter, boolean payload) {
        DeadLetterEntry e = letter.entry();
        ObjectNode node = JSON.createObjectNode();
        node.put("id", letter.id()).put("time", e.time().toString()).put("reason", e.reason()).put("detail", e.detail())
                .put("topic", e.topic()).put("clientId", e.clientId()).put("kind", e.kind().name()).put("payloadBytes", e.payloadBytes());
        if (payload) {
            byte[] bytes = e.payload();
            node.put("payloadBase64", Base64.getEncoder().encodeToString(bytes));
            Optional<String> text = utf8(bytes);
            if (text.isPresent()) {
                node.put("payloadText", text.get());
            } else {
                node.putNull("payloadText");
            }
        }
        return node;
    }

    private static Optional<String> utf8(byte[] bytes) {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> parameter(String query, String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return Optional.of(URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
