package com.shiftsync.backup;

import com.shiftsync.backup.testing.CapturedOutput;
import com.shiftsync.backup.testing.TestSecrets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The suite's last word on secrets: nothing the product printed, logged, threw or stored
 * (CLI output, function logs, exception messages and stack traces, manifests, as the tests
 * recorded them in {@link CapturedOutput}) contains any secret a test handed it
 * ({@link TestSecrets}: database passwords, Key Vault values, tokens, identity headers,
 * client secrets, account keys).
 *
 * <p>It runs last: {@code junit-platform.properties} orders test classes by {@link Order},
 * this class has the highest, and failsafe hands every IT class to one JUnit Platform
 * launch, so the orderer sees them all. The unit tests ran before in surefire's JVM; both
 * JVMs append to the build's capture folder ({@code -Dshiftsync.capture.dir}), which this
 * scan reads whole.
 */
@Order(Integer.MAX_VALUE)
class NoSecretLeaksIT {

    @Test
    @DisplayName("no test secret appears in anything the product said or wrote during the whole test run")
    void noSecretInAnyCapturedOutput() {
        List<String> secrets = TestSecrets.allInSuite();
        List<String> texts = CapturedOutput.allInSuite();
        assumeTrue(!texts.isEmpty() && !secrets.isEmpty(),
                "nothing captured: this scan means something only after the other tests (mvn verify)");

        assertEquals(List.of(), leaks(texts, secrets), "secrets found in " + texts.size() + " captured texts");
    }

    @Test
    @DisplayName("the scan finds a secret wherever it sits in a text, and reports it masked")
    void scanFindsPlantedSecret() {
        String secret = "planted-" + System.nanoTime();
        List<String> found = leaks(List.of("clean text", "before " + secret + " after"), List.of(secret, "absent-one"));

        assertEquals(List.of("secret #1 in captured text #2: ...before <secret #1> after..."), found);
    }

    /** Each (secret, text) hit, described without the secret itself. */
    static List<String> leaks(List<String> texts, List<String> secrets) {
        List<String> found = new ArrayList<>();
        for (int t = 0; t < texts.size(); t++) {
            String text = texts.get(t);
            for (int s = 0; s < secrets.size(); s++) {
                String secret = secrets.get(s);
                int at = secret.isEmpty() ? -1 : text.indexOf(secret);
                if (at >= 0) {
                    String context = text.substring(Math.max(0, at - 60), Math.min(text.length(), at + secret.length() + 60));
                    for (int k = 0; k < secrets.size(); k++) {
                        if (!secrets.get(k).isEmpty()) {
                            context = context.replace(secrets.get(k), "<secret #" + (k + 1) + ">");
                        }
                    }
                    found.add("secret #" + (s + 1) + " in captured text #" + (t + 1) + ": ..." + context + "...");
                }
            }
        }
        return found;
    }
}
