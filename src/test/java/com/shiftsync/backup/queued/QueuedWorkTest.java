package com.shiftsync.backup.queued;

import com.shiftsync.backup.adapter.queue.QueueClients;
import com.shiftsync.backup.backup.BackupMessage;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.DatabaseName;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.OperationKind;
import com.shiftsync.backup.domain.OperationStatus;
import com.shiftsync.backup.domain.RetryPolicy;
import com.shiftsync.backup.testing.SampleOperations;
import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.restore.RestoreMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules of queued work that need no storage: names, messages, time limits, the queue endpoint. */
class QueuedWorkTest {
    static final Instant T0 = Instant.parse("2024-01-15T12:00:00Z");
    static final Caller ANA = new Caller("oid-ana", "ana@shiftsync.test", Caller.EASY_AUTH, Set.of("Backup.Admin"));

    @ParameterizedTest
    @ValueSource(strings = {"shiftsync_restored", "_scratch", "a", "shiftsync_restored_20240115_120000", "db2"})
    void goodNames(String name) {
        assertEquals(name, DatabaseName.check("targetDatabase", name));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "Shiftsync|(use 'shiftsync')",
            "shift-sync|use lowercase letters, digits and underscores",
            "9lives|starting with a letter or underscore",
            "with space|is not a database name this app creates",
            "quo\"te|is not a database name this app creates",
            "template0|is a system database",
            "azure_maintenance|is a system database",
            "a234567890123456789012345678901234567890123456789012345678901234|at most 63",
    })
    void badNames(String name, String reason) {
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> DatabaseName.check("targetDatabase", name));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    @DisplayName("the default target: <database>_restored_<stamp>, lowercase, a valid name of at most 63 characters")
    void defaultName() {
        assertEquals("shiftsync_restored_20240115_120000", DatabaseName.restoredName("shiftsync", T0));
        assertEquals("shift_sync_restored_20240115_120000", DatabaseName.restoredName("Shift-Sync", T0));
        assertEquals("db_1st_restored_20240115_120000", DatabaseName.restoredName("1st", T0));
        String longName = DatabaseName.restoredName("x".repeat(80), T0);
        assertEquals(63, longName.length());
        DatabaseName.check("targetDatabase", longName);
    }

    @Test
    @DisplayName("messages: written and read back; a broken or mismatched one is refused with a reason")
    void messages() {
        RestoreMessage m = new RestoreMessage("0f8fad5b-d9cb-469f-a165-70867728950e",
                "shiftsync_backup_20240115_020000", "shiftsync_restored");
        assertEquals("{\"operationId\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"backupId\":"
                + "\"shiftsync_backup_20240115_020000\",\"targetDatabase\":\"shiftsync_restored\"}", m.toJson());
        assertEquals(m, RestoreMessage.parse(m.toJson()));
        assertTrue(assertThrows(ShiftSyncException.class, () -> RestoreMessage.parse("not json")).getMessage()
                .contains("is not a restore request"));
        assertTrue(assertThrows(ShiftSyncException.class, () -> RestoreMessage.parse("{\"operationId\":"
                + "\"0f8fad5b-d9cb-469f-a165-70867728950e\"}")).getMessage().contains("lacks"));
        assertTrue(assertThrows(ShiftSyncException.class, () -> RestoreMessage.parse("{\"operationId\":\"x\","
                + "\"backupId\":\"shiftsync_backup_20240115_020000\",\"targetDatabase\":\"a\"}")).getMessage()
                .contains("is not an operation id"));

        BackupMessage b = new BackupMessage("0f8fad5b-d9cb-469f-a165-70867728950e", Tier.MANUAL);
        assertEquals("{\"operationId\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"tier\":\"manual\"}", b.toJson());
        assertEquals(b, BackupMessage.parse(b.toJson()));
        assertThrows(ShiftSyncException.class, () -> BackupMessage.parse(
                "{\"operationId\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"tier\":\"daily\"}"));
    }

    @Test
    @DisplayName("time limits: never started past the message's life, or started and silent past the function "
            + "timeout, is Failed; anything sooner is left alone; server restores are never touched")
    void abandoned() {
        RetryPolicy policy = RetryPolicy.DEFAULT;
        Operation queued = SampleOperations.dumpRestore("shiftsync_restored", T0);
        assertTrue(QueuedWork.abandoned(queued, T0.plus(Duration.ofHours(24)), policy).isEmpty());
        Operation never = QueuedWork.abandoned(queued, T0.plus(Duration.ofHours(25)), policy).orElseThrow();
        assertEquals(OperationStatus.Failed, never.status());
        assertEquals("NeverStarted", never.error().code());

        Operation running = queued.started(T0.plus(Duration.ofHours(1)), queued.state());
        assertTrue(QueuedWork.abandoned(running, T0.plus(Duration.ofHours(7)), policy).isEmpty());
        Operation lost = QueuedWork.abandoned(running, T0.plus(Duration.ofHours(8)), policy).orElseThrow();
        assertEquals("WorkerLost", lost.error().code());
        assertTrue(lost.error().message().contains("stops any run after 6 h"), lost.error().message());

        Operation pitr = SampleOperations.pointInTime("shiftsync-db-pitr", T0);
        assertTrue(QueuedWork.abandoned(pitr, T0.plus(Duration.ofDays(30)), policy).isEmpty());
        Operation done = running.succeeded(T0.plus(Duration.ofHours(2)), running.state());
        assertTrue(QueuedWork.abandoned(done, T0.plus(Duration.ofDays(30)), policy).isEmpty());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "https://shiftsyncbackups.blob.core.windows.net,          https://shiftsyncbackups.queue.core.windows.net",
            "https://shiftsyncbackups.blob.core.windows.net/,         https://shiftsyncbackups.queue.core.windows.net",
            "https://ShiftSyncBackups.Blob.core.chinacloudapi.cn,     https://shiftsyncbackups.queue.core.chinacloudapi.cn",
    })
    void queueEndpoint(String blob, String queue) {
        assertEquals(queue, QueueClients.queueServiceUrl(blob));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:10000/devstoreaccount1", "https://example.com", "not a url"})
    void noQueueEndpoint(String blob) {
        ShiftSyncException e = assertThrows(ShiftSyncException.class, () -> QueueClients.queueServiceUrl(blob));
        assertTrue(e.getMessage().contains("cannot be derived"), e.getMessage());
    }
}
