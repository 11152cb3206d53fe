package com.shiftsync.backup.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

class WarmUpTest {

    @Test
    @DisplayName("every warm-up step runs through: a step that throws would quietly warm nothing")
    void everyStepRuns() {
        for (WarmUp.Step step : Stream.concat(WarmUp.BEFORE_DUMP.stream(), WarmUp.AFTER_DUMP.stream()).toList()) {
            assertDoesNotThrow(step::run);
        }
    }
}
