package dev.marketingconnector.testkit;

/** How the harness's bridge hands events to its {@code MockKyma}, as the runnable's {@code EVENTS_FORMAT} setting. */
public enum EventsFormat {

    /** Current Kyma: CloudEvents 1.0 to the eventing publisher proxy's {@code /publish} ({@code EVENTS_FORMAT=cloudevents}). */
    CLOUDEVENTS,

    /** Kyma 1.x and the proxy's legacy route: events v1 to {@code /{application}/v1/events} ({@code EVENTS_FORMAT=kyma-v1}). */
    KYMA_V1
}
