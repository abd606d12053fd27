/**
 * One harness for tests of code built on the connector: {@link dev.marketingconnector.testkit.ConnectorHarness}
 * starts the mock SAP tenant, the mock Kyma, the MQTT bridge and the event simulator, wired to each
 * other on loopback with shared credentials; {@link dev.marketingconnector.testkit.ConnectorTest @ConnectorTest}
 * and {@link dev.marketingconnector.testkit.ConnectorExtension} give it to JUnit 5 tests as parameters.
 */
package dev.marketingconnector.testkit;
