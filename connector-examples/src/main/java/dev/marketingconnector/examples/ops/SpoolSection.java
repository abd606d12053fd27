package dev.marketingconnector.examples.ops;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.marketingconnector.core.spool.SpoolStats;
import java.time.Duration;
import java.time.Instant;

/** The spool and dead-letter parts of the status page, in JSON and HTML. */
final class SpoolSection {

    private SpoolSection() {
    }

    static void json(ObjectNode root, SpoolView view, Instant now) {
        ObjectNode spool = root.putObject("spool");
        spool.put("mode", view.mode());
        if (view.location().isPresent()) {
            spool.put("location", view.location().get());
        } else {
            spool.putNull("location");
        }
        if (view.stats().isPresent()) {
            SpoolStats s = view.stats().get();
            spool.put("events", s.events());
            spool.put("bytes", s.bytes());
            spool.put("maxBytes", s.maxBytes());
            spool.put("full", s.full());
            if (s.oldestStoredAt().isPresent()) {
                spool.put("oldestStoredAt", s.oldestStoredAt().get().toString());
                spool.put("oldestAgeSeconds", Math.max(0, Duration.between(s.oldestStoredAt().get(), now).getSeconds()));
            } else {
                spool.putNull("oldestStoredAt");
                spool.putNull("oldestAgeSeconds");
            }
            if (s.problem().isPresent()) {
                spool.put("problem", s.problem().get());
            } else {
                spool.putNull("problem");
            }
        }
        spool.put("appended", view.appended());
        spool.put("forwarded", view.forwarded());
        spool.put("retried", view.retried());
        spool.put("deadLettered", view.deadLettered());
        spool.put("backPressureSeconds", view.backPressure().toMillis() / 1000.0);
        spool.put("backPressured", view.backPressured());
        if (view.lastForwardedAt().isPresent()) {
            spool.put("lastForwardedAt", view.lastForwardedAt().get().toString());
        } else {
            spool.putNull("lastForwardedAt");
        }
        if (view.hint().isPresent()) {
            spool.put("hint", view.hint().get());
        } else {
            spool.putNull("hint");
        }
        SpoolView.DeadLetterArea area = view.deadLetters();
        ObjectNode letters = root.putObject("deadLetterArea");
        letters.put("where", area.where());
        letters.put("count", area.count());
        letters.put("bytes", area.bytes());
        letters.put("maxBytes", area.maxBytes());
        letters.put("dropped", area.dropped());
        letters.put("payloads", DeadLetterRoute.PATH + "?id=<id>");
        ArrayNode recent = letters.putArray("recent");
        for (SpoolView.Letter l : area.recent()) {
            recent.addObject().put("id", l.id()).put("time", l.time().toString()).put("reason", l.reason()).put("topic", l.topic())
                    .put("clientId", l.clientId()).put("kind", l.kind()).put("payloadBytes", l.payloadBytes()).put("detail", l.detail());
        }
    }

    static void html(StringBuilder h, SpoolView view, Instant now) {
        h.append("<h2>Spool</h2>");
        if (view.mode().equals("none")) {
            h.append("<p>none (SPOOL=none): a message is acknowledged once Kyma accepted its event</p>");
        } else {
            h.append("<p>").append(esc(view.mode())).append(": ").append(esc(view.location().orElse(""))).append("</p>");
            h.append("<table><tr><th>events</th><th>bytes</th><th>bound</th><th>oldest</th><th>stored</th><th>forwarded</th>")
                    .append("<th>retried</th><th>refused by Kyma</th><th>back-pressure</th></tr><tr>");
            SpoolStats s = view.stats().orElse(null);
            cell(h, s == null ? "?" : Long.toString(s.events()));
            cell(h, s == null ? "?" : SpoolMonitor.bytes(s.bytes()));
            cell(h, s == null ? "?" : SpoolMonitor.bytes(s.maxBytes()) + (s.full() ? " (full)" : ""));
            cell(h, s == null ? "?" : s.oldestStoredAt().map(t -> Hints.duration(Duration.between(t, now)) + " ago").orElse("–"));
            cell(h, Long.toString(view.appended()));
            cell(h, Long.toString(view.forwarded()));
            cell(h, Long.toString(view.retried()));
            cell(h, Long.toString(view.deadLettered()));
            cell(h, Hints.duration(view.backPressure()) + (view.backPressured() ? " (now)" : ""));
            h.append("</tr></table>");
            if (s != null && s.problem().isPresent()) {
                h.append("<p>").append(esc(s.problem().get())).append("</p>");
            }
        }
        view.hint().ifPresent(hint -> h.append("<p class=\"hint\">").append(esc(hint)).append("</p>"));
        SpoolView.DeadLetterArea area = view.deadLetters();
        h.append("<h2>Dead-letter area</h2><p>").append(area.count()).append(" kept (").append(SpoolMonitor.bytes(area.bytes()));
        if (area.maxBytes() > 0) {
            h.append(" of ").append(SpoolMonitor.bytes(area.maxBytes()));
        }
        h.append(") in ").append(esc(area.where()));
        if (area.dropped() > 0) {
            h.append("; ").append(area.dropped()).append(" older ones dropped");
        }
        h.append(". Each with its payload: <code>").append(DeadLetterRoute.PATH).append("?id=&lt;id&gt;</code></p>");
        if (!area.recent().isEmpty()) {
            h.append("<table><tr><th>id</th><th>time</th><th>reason</th><th>client</th><th>topic</th><th>bytes</th><th>detail</th></tr>");
            for (SpoolView.Letter l : area.recent()) {
                h.append("<tr><td><code>").append(esc(l.id())).append("</code></td><td>").append(esc(l.time().toString()))
                        .append("</td><td><code>").append(esc(l.reason())).append("</code></td><td>").append(esc(l.clientId()))
                        .append("</td><td>").append(esc(l.topic())).append("</td><td class=\"n\">").append(l.payloadBytes())
                        .append("</td><td>").append(esc(l.detail())).append("</td></tr>");
            }
            h.append("</table>");
        }
    }

    private static void cell(StringBuilder h, String text) {
        h.append("<td class=\"n\">").append(esc(text)).append("</td>");
    }

    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c < 0x20 && c != '\t' ? ' ' : c);
            }
        }
        return out.toString();
    }
}
