package com.shiftsync.backup.config;

import com.shiftsync.backup.domain.DrillPolicy;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.ServerRestoreRequest;
import com.shiftsync.backup.domain.ShiftSyncException;

import java.util.Locale;
import java.util.regex.Pattern;

/** The recovery drill's settings, each refused by name when it is wrong; drills go to DRILL_RESOURCE_GROUP, else RESTORE_RESOURCE_GROUP. */
final class DrillSettings {
    /** Azure's rule for resource group names: letters, digits, underscores, hyphens, periods and parentheses. */
    private static final Pattern GROUP = Pattern.compile("^[-\\w._()]{1,90}$");

    private DrillSettings() {
    }

    static DrillPolicy from(Settings settings) {
        String point = settings.text(Setting.DRILL_RESTORE_POINT).orElse(ServerRestoreRequest.LATEST)
                .toLowerCase(Locale.ROOT);
        if (!point.equals(ServerRestoreRequest.LATEST) && !point.equals(ServerRestoreRequest.FAST)) {
            throw ShiftSyncException.badInput("DRILL_RESTORE_POINT is '" + point + "'; it must be latest or fast");
        }
        group(settings, Setting.RESTORE_RESOURCE_GROUP);
        String group = group(settings, Setting.DRILL_RESOURCE_GROUP);
        if (group == null) {
            group = group(settings, Setting.RESTORE_RESOURCE_GROUP);
        }
        return new DrillPolicy(settings.flag(Setting.DRILL_ENABLED), group, point,
                settings.integer(Setting.DRILL_MAX_HOURS, 1), settings.integer(Setting.DRILL_MAX_AGE_DAYS, 1),
                method(settings));
    }

    /** DRILL_METHOD: dump or point-in-time, or null for alternate (its default). */
    static DrillState.Method method(Settings settings) {
        String text = settings.text(Setting.DRILL_METHOD).orElse(DrillPolicy.ALTERNATE).trim()
                .toLowerCase(Locale.ROOT);
        if (text.equals(DrillPolicy.ALTERNATE)) {
            return null;
        }
        try {
            return DrillState.Method.parse(text);
        } catch (IllegalArgumentException e) {
            throw ShiftSyncException.badInput("DRILL_METHOD is '" + text + "'; it must be dump, point-in-time or "
                    + DrillPolicy.ALTERNATE);
        }
    }

    /** A resource group setting, or null when unset; refused by name when it is no resource group name. */
    static String group(Settings settings, Setting setting) {
        String group = settings.text(setting).orElse(null);
        if (group != null && (!GROUP.matcher(group).matches() || group.endsWith("."))) {
            throw ShiftSyncException.badInput(setting.name() + " '" + group + "' is not a resource group name "
                    + "(letters, digits, _ - . ( ), at most 90, not ending with a period)");
        }
        return group;
    }
}
