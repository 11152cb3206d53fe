package com.shiftsync.backup.restore;

import com.shiftsync.backup.domain.Event;
import com.shiftsync.backup.port.Reporter;

import java.util.LinkedHashMap;
import java.util.Map;

/** What a download of a backup to a file reports ({@code shiftsync-backup download}). */
public final class DownloadEvents {
    public static final String SUCCEEDED = "ShiftSync.Download.Succeeded";
    public static final String FAILED = "ShiftSync.Download.Failed";

    private DownloadEvents() {
    }

    static void downloaded(DownloadJob.Downloaded d, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("id", d.manifest().id());
        f.put("tier", d.manifest().tier().folder());
        f.put("store", d.store());
        f.put("file", d.file().toString());
        f.put("sizeBytes", d.manifest().sizeBytes());
        f.put("sha256", d.manifest().sha256());
        if (d.rolesFile() != null) {
            f.put("rolesFile", d.rolesFile().toString());
        }
        f.put("durationMs", d.duration().toMillis());
        reporter.event(Event.info(SUCCEEDED, f));
    }

    static void failed(String backup, String file, RuntimeException e, Reporter reporter) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("backupId", backup);
        f.put("file", file);
        reporter.event(Event.failed(FAILED, f, e));
    }
}
