package com.shiftsync.backup.bench;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.shiftsync.backup.adapter.blob.StorageClients;

import java.time.Duration;

/**
 * The "dump to a file, then upload it" baseline of bin/bench-backup: what the guide's
 * script did (pg_dump to disk, then az storage blob upload), with the SDK's own parallel
 * file upload. Usage: UploadFile CONTAINER BLOB FILE (connection string in AZURE_STORAGE_CONNECTION_STRING).
 */
public final class UploadFile {
    private UploadFile() {
    }

    public static void main(String[] args) {
        var container = StorageClients.byConnectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING"))
                .getBlobContainerClient(args[0]);
        container.createIfNotExists();
        BlobClient blob = container.getBlobClient(args[1]);
        blob.uploadFromFileWithResponse(new BlobUploadFromFileOptions(args[2])
                .setParallelTransferOptions(new ParallelTransferOptions().setBlockSizeLong(8L * 1024 * 1024)
                        .setMaxConcurrency(4)), Duration.ofHours(1), null);
    }
}
