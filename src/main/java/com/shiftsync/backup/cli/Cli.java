package com.shiftsync.backup.cli;

import com.shiftsync.backup.config.App;
import com.shiftsync.backup.port.Reporter;

/**
 * What every command gets: the one {@link App}, and the console its jobs report to.
 *
 * @param app     the wiring
 * @param console stderr, for people and for logs
 */
record Cli(App app, Console console) {

    /** Where a command's jobs report: their events to the console's log, the app's metrics and audit log. */
    Reporter reporter() {
        return app.reporter(console.events());
    }
}
