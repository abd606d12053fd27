package dev.marketingconnector.core.spool;

/**
 * What a dead-letter area holds.
 *
 * @param count    dead letters kept
 * @param bytes    their size in the store
 * @param maxBytes the bound
 * @param dropped  dead letters dropped to make room (only a store that keeps just the most recent
 *                 ones drops any; a spool's dead-letter area refuses instead)
 */
public record DeadLetterStats(long count, long bytes, long maxBytes, long dropped) {
}
