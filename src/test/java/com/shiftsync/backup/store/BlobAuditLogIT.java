package com.shiftsync.backup.store;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobType;
import com.shiftsync.backup.adapter.blob.BlobAuditLog;
import com.shiftsync.backup.adapter.blob.StorageClients;
import com.shiftsync.backup.domain.AuditRecord;
import com.shiftsync.backup.port.AuditLog;
import com.shiftsync.backup.testing.Azurite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlobAuditLogIT extends AuditLogContract {
    private final BlobContainerClient container = StorageClients.byConnectionString(Azurite.shared().connectionString())
            .getBlobContainerClient("audit-" + Long.toHexString(System.nanoTime()));

    @Override
    protected AuditLog log() {
        return new BlobAuditLog(container);
    }

    @Test
    @DisplayName("one append blob per day: <yyyy>/<MM>/<dd>.jsonl, created on first use")
    void layout() {
        log().append(record(Instant.parse("2024-03-09T10:00:00Z"), AuditRecord.ACCEPTED, "t-x"));
        List<BlobItem> items = new ArrayList<>();
        container.listBlobs().forEach(items::add);
        assertEquals(1, items.size());
        assertEquals("2024/03/09.jsonl", items.get(0).getName());
        assertEquals(BlobType.APPEND_BLOB, items.get(0).getProperties().getBlobType());
    }

    @Test
    @DisplayName("a full append blob continues in <dd>.2.jsonl, <dd>.3.jsonl; the day reads back whole, in order")
    void rollover() {
        AuditLog small = new BlobAuditLog(container, 2);
        List<AuditRecord> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            AuditRecord r = record(Instant.parse("2024-04-01T10:00:00Z").plusSeconds(i), AuditRecord.ACCEPTED,
                    "t-" + i);
            small.append(r);
            written.add(r);
        }
        List<String> names = new ArrayList<>();
        container.listBlobs().forEach(b -> names.add(b.getName()));
        assertEquals(List.of("2024/04/01.2.jsonl", "2024/04/01.3.jsonl", "2024/04/01.jsonl"), names);
        assertEquals(written, log().read(LocalDate.parse("2024-04-01")));
    }
}
