package com.shiftsync.backup.store;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobImmutabilityPolicyMode;
import com.azure.storage.blob.models.BlobStorageException;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.BlobHistoryLog;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.domain.HistoryEntry;
import com.shiftsync.backup.testing.Azurite;
import com.shiftsync.backup.testing.ImmutabilityProxy;
import com.shiftsync.backup.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The audit log and the history against what a holder of the account key can do, Azure's
 * immutability played by {@link ImmutabilityProxy}: the audit container's container-level policy
 * (infra's, with protected appends) keeps every record; the history's past months are locked by
 * the app once they are over.
 */
class AppendOnlyLogsIT {
    ImmutabilityProxy proxy;

    @AfterEach
    void stop() {
        proxy.close();
    }

    private BlobContainerClient container(String name) {
        return new BlobServiceClientBuilder().connectionString(proxy.connectionString()).buildClient()
                .getBlobContainerClient(name);
    }

    private static int refusal(Runnable call) {
        return assertThrows(BlobStorageException.class, call::run).getStatusCode();
    }

    @Test
    @DisplayName("audit log: records are appended and read back under the container's policy; the account key can "
            + "neither delete nor overwrite a day")
    void auditLog() {
        proxy = ImmutabilityProxy.start(Azurite.shared(), new MutableClock(Instant.now()));
        String name = "auditworm-" + Long.toHexString(System.nanoTime());
        proxy.containerPolicy(name, new ImmutabilityProxy.ContainerPolicy(Duration.ofDays(365), true, false));
        BlobAuditLog log = new BlobAuditLog(container(name));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (String target : List.of("t-one", "t-two")) {
            log.append(new AuditRecord(now, AuditRecord.AuditCaller.anonymous("test"), "restore.point-in-time",
                    Map.of("targetServerName", target), AuditRecord.ACCEPTED, null, "done", null, null));
        }
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        assertEquals(2, log.read(day).size());

        String blob = String.format("%04d/%02d/%02d.jsonl", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
        var attacker = container(name).getBlobClient(blob);
        assertEquals(409, refusal(attacker::delete));
        assertEquals(409, refusal(() -> attacker.upload(BinaryData.fromString("{}\n"), true)));
        assertEquals(2, log.read(day).size(), "both records are still there");
    }

    @Test
    @DisplayName("history: once a month is over (and a day), the next append locks its blobs for 365 days, which the "
            + "account key cannot delete; the month being written stays appendable")
    void historySealsPastMonths() {
        MutableClock clock = new MutableClock(Instant.parse("2024-04-05T10:00:00Z"));
        proxy = ImmutabilityProxy.start(Azurite.shared(), clock);
        String name = "histworm-" + Long.toHexString(System.nanoTime());
        proxy.enableVersionLevelImmutability(name);
        BlobHistoryLog log = new BlobHistoryLog(container(name));
        log.append(HistoryEntry.of(Instant.parse("2024-03-30T02:00:00Z"), HistoryEntry.BACKUP, "b1", "daily", true));
        log.append(HistoryEntry.of(Instant.parse("2024-03-31T02:00:00Z"), HistoryEntry.BACKUP, "b2", "daily", true));
        var march = container(name).getBlobClient("history/2024-03.jsonl");
        assertNull(march.getProperties().getImmutabilityPolicy().getExpiryTime(), "March is still being written");

        log.append(HistoryEntry.of(Instant.parse("2024-04-05T02:00:00Z"), HistoryEntry.BACKUP, "b3", "daily", true));
        var policy = march.getProperties().getImmutabilityPolicy();
        assertEquals(Instant.parse("2024-04-01T00:00:00Z").plus(BlobHistoryLog.SEALED_FOR), policy.getExpiryTime().toInstant());
        assertEquals(BlobImmutabilityPolicyMode.LOCKED, policy.getPolicyMode());
        assertEquals(409, refusal(march::delete));
        var april = container(name).getBlobClient("history/2024-04.jsonl");
        assertNull(april.getProperties().getImmutabilityPolicy().getExpiryTime(), "April is being written");
        log.append(HistoryEntry.of(Instant.parse("2024-04-06T02:00:00Z"), HistoryEntry.BACKUP, "b4", "daily", true));
        assertEquals(List.of("b1", "b2", "b3", "b4"), log.read(Instant.parse("2024-03-01T00:00:00Z"),
                Instant.parse("2024-05-01T00:00:00Z")).stream().map(HistoryEntry::id).toList());
    }
}
