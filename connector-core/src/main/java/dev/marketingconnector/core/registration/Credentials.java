package dev.marketingconnector.core.registration;

/** How Kyma authenticates to a registered API: exactly one kind per entry. */
public sealed interface Credentials permits BasicCredentials, OAuthCredentials {
}
