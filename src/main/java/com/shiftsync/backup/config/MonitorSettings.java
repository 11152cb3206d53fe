package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.ShiftSyncException;
import com.shiftsync.backup.monitor.MonitorPolicy;

/** The monitor's thresholds from their settings, each refused by name when out of range. */
final class MonitorSettings {
    private MonitorSettings() {
    }

    static MonitorPolicy from(Settings settings) {
        int percent = settings.integer(Setting.SIZE_ANOMALY_PERCENT, 1);
        if (percent > 99) {
            throw ShiftSyncException.badInput("SIZE_ANOMALY_PERCENT is " + percent + "; it must be from 1 to 99");
        }
        return new MonitorPolicy(settings.integer(Setting.RPO_TARGET_HOURS, 1),
                settings.integer(Setting.RTO_TARGET_MINUTES, 1), settings.integer(Setting.MISSING_BACKUP_HOURS, 1),
                percent, settings.integer(Setting.VERIFY_MAX_AGE_DAYS, 1));
    }
}
