package com.shiftsync.backup.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FreePortTest {
    @Test
    void belowTheEphemeralRangeSoNoOutgoingConnectionCanTakeItBeforeTheServerListens() {
        int low = PostgresCluster.ephemeralLow();
        for (int i = 0; i < 20; i++) {
            int port = PostgresCluster.freePort();
            assertTrue(port >= 1024 && port < low, port + " is not in 1024-" + (low - 1));
        }
    }
}
