package dev.marketingconnector.core.testing;

import dev.marketingconnector.core.spool.EventSpool;
import dev.marketingconnector.core.spool.EventSpoolContract;

class InMemoryEventSpoolContractTest extends EventSpoolContract {

    private InMemoryEventSpool last;

    @Override
    protected EventSpool open(long maxBytes, long deadLetterMaxBytes) {
        last = last == null ? new InMemoryEventSpool(maxBytes, deadLetterMaxBytes) : last.reopen();
        return last;
    }
}
