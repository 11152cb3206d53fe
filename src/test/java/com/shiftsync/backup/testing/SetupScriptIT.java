package com.shiftsync.backup.testing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bin/setup run again (bin/test ran it before the tests) works from its cache: it prepares
 * nothing, fetches nothing, and names the PostgreSQL 17 folder the tests use. Never a cold
 * run here: that fetches packages from the Debian mirror, which no test may reach.
 */
class SetupScriptIT {

    @Test
    @DisplayName("bin/setup a second time works from the cache: PostgreSQL 17 is not prepared again, and its folder is the tests'")
    void secondRunFromTheCache() throws IOException, InterruptedException {
        Path bin = PostgresCluster.postgres17Binaries(); // fails loudly, naming bin/setup, before any cold run
        Path root = bin.getParent().getParent().getParent().getParent().getParent();
        long recipeBefore = Files.getLastModifiedTime(root.resolve(".recipe")).toMillis();

        Process p = new ProcessBuilder("bin/setup").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "bin/setup did not end: " + out);
        assertEquals(0, p.exitValue(), out);
        assertFalse(out.contains("preparing PostgreSQL 17"), out);
        assertFalse(out.contains("setup: installing"), "everything was there already: " + out);
        assertTrue(out.contains("and 17 for the tests in " + root + ";"), out);
        assertEquals(recipeBefore, Files.getLastModifiedTime(root.resolve(".recipe")).toMillis(), "the cache was kept");
    }
}
