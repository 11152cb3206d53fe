package com.shiftsync.backup.adapter.blob;

import com.azure.storage.blob.models.BlobStorageException;

/** One sentence from a Storage failure, without the SDK's multi-line dumps. */
final class BlobErrors {
    private BlobErrors() {
    }

    static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root && !(root instanceof BlobStorageException)) {
            root = root.getCause();
        }
        if (root instanceof BlobStorageException e) {
            String code = e.getErrorCode() == null ? "" : e.getErrorCode().toString();
            return "Storage answered " + e.getStatusCode() + (code.isEmpty() ? "" : " " + code);
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int nl = msg.indexOf('\n');
        return nl < 0 ? msg : msg.substring(0, nl);
    }
}
