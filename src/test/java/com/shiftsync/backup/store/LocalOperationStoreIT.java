package com.shiftsync.backup.store;

import com.shiftsync.backup.adapter.local.LocalOperationStore;
import com.shiftsync.backup.port.OperationStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class LocalOperationStoreIT extends OperationStoreContract {
    @TempDir
    Path dir;

    @Override
    protected OperationStore store() {
        return new LocalOperationStore(dir.resolve("operations"));
    }
}
