package dev.airlock.core.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each client may have a bounded number of requests in work; others are not affected, and idle clients cost nothing. */
class ClientLimitsTest {

    @Test
    void aClientPastItsBoundIsRefusedUntilOneFinishes() {
        ClientLimits l = new ClientLimits(2);
        assertTrue(l.acquire("10.0.0.1"));
        assertTrue(l.acquire("10.0.0.1"));
        assertFalse(l.acquire("10.0.0.1"), "a third in work");
        assertTrue(l.acquire("token ci"), "another client is not affected");
        l.release("10.0.0.1");
        assertTrue(l.acquire("10.0.0.1"));
        l.release("10.0.0.1");
        l.release("10.0.0.1");
        l.release("token ci");
        assertEquals(0, l.clients(), "nothing kept for clients with nothing in work");
    }
}
