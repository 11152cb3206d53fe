package com.shiftsync.backup.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (junit-platform.properties turns on extension
 * autodetection; META-INF/services names this class): makes {@link RawLogRecords} the
 * first handler of the root logger before each class runs, also after a test replaced the
 * root handlers.
 */
public final class RawLogRecordsExtension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        RawLogRecords.install();
    }
}
