package dev.marketingconnector.examples.ops;

import dev.marketingconnector.core.events.CircuitState;
import dev.marketingconnector.mqtt.BridgeListener.ConnectRefusal;
import dev.marketingconnector.mqtt.BridgeListener.TokenOutcome;
import dev.marketingconnector.mqtt.DeadLetter;
import java.util.Locale;

/** The words metrics tags and the status page share for the bridge's enums. */
final class Names {

    private Names() {
    }

    static String refusal(ConnectRefusal reason) {
        return reason == ConnectRefusal.UNSUPPORTED_PROTOCOL_VERSION ? "protocol" : lower(reason);
    }

    static String deadLetter(DeadLetter.Reason reason) {
        return lower(reason);
    }

    static String token(TokenOutcome outcome) {
        return lower(outcome);
    }

    static String circuit(CircuitState state) {
        return lower(state);
    }

    private static String lower(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
