/** The harness. */
package dev.marketingconnector.testkit;
