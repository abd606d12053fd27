package dev.marketingconnector.examples.ops;

import dev.marketingconnector.mqtt.ConnectedClient;
import dev.marketingconnector.mqtt.DeadLetter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * {@link StatusReport} as one self-contained HTML page for a browser: inline CSS, no scripts, no
 * external fonts or images, and it reloads itself every {@value #REFRESH_SECONDS} seconds. Every
 * value is HTML-escaped (client ids and topics come from the network).
 */
final class StatusHtml {

    static final int REFRESH_SECONDS = 10;

    private static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#1d2330}
            h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.6em 0 .4em;border-bottom:1px solid #d5dae3;padding-bottom:.2em}
            .meta{color:#5a6473}table{border-collapse:collapse;width:100%;margin:.3em 0}
            th,td{text-align:left;padding:.25em .6em;border-bottom:1px solid #e6e9ef;vertical-align:top}
            th{background:#f3f5f8;font-weight:600}td.n{text-align:right;font-variant-numeric:tabular-nums}
            .hint{background:#fff4d6;border-left:4px solid #e0a400;padding:.5em .8em;margin:.5em 0}
            .ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}.none{color:#7a8391}
            code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f5f8;padding:0 .2em}
            """;

    private StatusHtml() {
    }

    static String render(StatusReport r) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>Marketing Connector status</title><style>").append(STYLE).append("</style></head><body>\n");
        h.append("<h1>Marketing Connector</h1><p class=\"meta\">version ").append(esc(r.version()))
                .append(" · up ").append(esc(Hints.duration(r.uptime()))).append(" (since ").append(esc(r.startedAt().toString()))
                .append(") · ").append(r.ready() ? "<span class=\"ok\">ready</span>" : "<span class=\"bad\">not ready</span>")
                .append(" · as of ").append(esc(r.now().toString())).append("</p>\n");

        StatusReport.Sap sap = r.sap();
        h.append("<h2>SAP connection</h2>");
        h.append("<p>").append(sap.connected() ? "<span class=\"ok\">connected</span>" : "<span class=\"bad\">not connected</span>")
                .append(" · last connected ").append(when(sap.lastConnectedAt(), r.now()))
                .append(" · last disconnected ").append(when(sap.lastDisconnectedAt(), r.now()))
                .append(" · last event ").append(when(sap.lastEventAt(), r.now())).append("</p>");
        sap.hint().ifPresent(hint -> h.append("<p class=\"hint\">").append(esc(hint)).append("</p>"));
        h.append("<p>Refused connects: ").append(counts(sap.refusedConnects())).append(" · token requests: ")
                .append(counts(sap.tokenRequests())).append("</p>");
        sap.lastRefusal().ifPresent(refusal -> h.append("<p>Last refused connect: ").append(esc(refusal.time().toString()))
                .append(" from <code>").append(esc(refusal.remoteAddress())).append("</code>, reason <code>")
                .append(esc(refusal.reason())).append("</code>: ").append(esc(refusal.hint())).append("</p>"));

        h.append("<h2>Connected MQTT clients</h2>");
        if (r.clients().isEmpty() && r.clientsNotShown() == 0) {
            h.append("<p class=\"none\">none</p>");
        } else if (!r.clients().isEmpty()) {
            h.append("<table><tr><th>client id</th><th>remote address</th><th>transport</th><th>connected since</th>")
                    .append("<th>last event</th><th>events</th><th>failures</th></tr>");
            for (ConnectedClient c : r.clients()) {
                h.append("<tr><td><code>").append(esc(c.clientId())).append("</code></td><td>").append(esc(c.remoteAddress()))
                        .append("</td><td>").append(esc(c.transport())).append("</td><td>").append(esc(c.connectedSince().toString()))
                        .append("</td><td>").append(when(c.lastEventAt(), r.now())).append("</td><td class=\"n\">").append(c.events())
                        .append("</td><td class=\"n\">").append(c.failures()).append("</td></tr>");
            }
            h.append("</table>");
        }
        if (r.clientsNotShown() > 0) {
            h.append("<p class=\"none\">and ").append(r.clientsNotShown()).append(" more not listed (STATUS_MAX_CLIENTS)</p>");
        }

        StatusReport.Events e = r.events();
        h.append("<h2>Events since start</h2><table><tr><th>received</th><th>forwarded</th><th>retried</th>")
                .append("<th>dead-lettered</th><th>in flight</th></tr><tr><td class=\"n\">").append(e.received())
                .append("</td><td class=\"n\">").append(e.forwarded()).append("</td><td class=\"n\">").append(e.retried())
                .append("</td><td class=\"n\">").append(e.deadLettered()).append("</td><td class=\"n\">").append(e.inFlight())
                .append("</td></tr></table>");

        StatusReport.Publisher p = r.publisher();
        h.append("<h2>Kyma event publisher</h2><p>circuit <span class=\"")
                .append("closed".equals(p.circuitState()) ? "ok" : "bad").append("\">").append(esc(p.circuitState()))
                .append("</span> · last accepted event ").append(when(p.lastSuccessAt(), r.now())).append("</p>");
        p.lastError().ifPresent(failure -> h.append("<p>Last error (").append(failure.permanent() ? "permanent" : "transient")
                .append(", ").append(esc(failure.time().toString())).append("): ").append(esc(failure.message())).append("</p>"));
        p.hint().ifPresent(hint -> h.append("<p class=\"hint\">").append(esc(hint)).append("</p>"));

        SpoolSection.html(h, r.spool(), r.now());

        h.append("<h2>Dead letters (newest first)</h2>");
        if (r.deadLetters().isEmpty()) {
            h.append("<p class=\"none\">none</p>");
        } else {
            h.append("<table><tr><th>time</th><th>reason</th><th>client id</th><th>topic</th><th>detail</th><th>bytes</th></tr>");
            for (DeadLetter d : r.deadLetters()) {
                h.append("<tr><td>").append(esc(d.time().toString())).append("</td><td><code>")
                        .append(esc(Names.deadLetter(d.reason()))).append("</code></td><td><code>").append(esc(d.clientId()))
                        .append("</code></td><td><code>").append(esc(d.topic())).append("</code></td><td>").append(esc(d.detail()))
                        .append("</td><td class=\"n\">").append(d.payloadBytes()).append("</td></tr>");
            }
            h.append("</table>");
        }

        StatusReport.Registration reg = r.registration();
        h.append("<h2>Registration</h2>");
        if (reg.lastRun().isEmpty()) {
            h.append("<p class=\"none\">").append(esc(reg.note())).append("</p>");
        } else {
            StatusReport.LastRegistration run = reg.lastRun().get();
            h.append("<p>Last run finished ").append(when(Optional.of(run.finishedAt()), r.now())).append(": <span class=\"")
                    .append(StatusReport.LastRegistration.SUCCEEDED.equals(run.outcome()) ? "ok" : "bad").append("\">")
                    .append(esc(run.outcome())).append("</span> in ").append(run.took().toMillis()).append(" ms</p><table><tr>");
            run.counts().keySet().forEach(k -> h.append("<th>").append(esc(k)).append("</th>"));
            h.append("</tr><tr>");
            run.counts().values().forEach(v -> h.append("<td class=\"n\">").append(v).append("</td>"));
            h.append("</tr></table>");
            if (!run.failures().isEmpty()) {
                h.append("<table><tr><th>failed item</th><th>reason</th></tr>");
                for (StatusReport.FailedItem item : run.failures()) {
                    h.append("<tr><td>").append(esc(item.item())).append("</td><td>").append(esc(item.reason())).append("</td></tr>");
                }
                h.append("</table>");
            }
        }
        h.append("\n<p class=\"meta\">Also as JSON: <code>curl -H 'Accept: application/json' …/status</code></p></body></html>\n");
        return h.toString();
    }

    private static String when(Optional<Instant> time, Instant now) {
        if (time.isEmpty()) {
            return "<span class=\"none\">never</span>";
        }
        Duration ago = Duration.between(time.get(), now);
        return esc(time.get().toString()) + " (" + esc(Hints.duration(ago)) + " ago)";
    }

    private static String counts(Map<String, Long> counts) {
        if (counts.isEmpty()) {
            return "<span class=\"none\">none</span>";
        }
        StringBuilder s = new StringBuilder();
        counts.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append("<code>").append(esc(k)).append("</code> ").append(v));
        return s.toString();
    }

    /** Escapes the five characters that matter in HTML text and attribute values. */
    static String esc(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }
}
