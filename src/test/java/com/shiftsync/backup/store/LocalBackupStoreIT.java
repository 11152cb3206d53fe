package com.shiftsync.backup.store;

import com.shiftsync.backup.adapter.local.LocalBackupStore;
import com.shiftsync.backup.port.BackupStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

class LocalBackupStoreIT extends BackupStoreContract {
    @TempDir
    Path dir;

    @Override
    protected BackupStore newStore() {
        return new LocalBackupStore(dir.resolve("backups"));
    }
}
