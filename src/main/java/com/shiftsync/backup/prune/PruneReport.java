package com.shiftsync.backup.prune;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.shiftsync.backup.port.SweepResult;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything one prune decided and did. A dry run's report holds the same plans as the
 * real run's, with nothing deleted.
 *
 * @param dryRun        nothing was deleted
 * @param at            when the plans were made
 * @param stores        one outcome per backup store
 * @param uploadsCutoff uploads last modified at or before this go (null when no uploads sweep)
 * @param uploads       the uploads sweep (null when none is configured or it failed)
 * @param errors        failures, one sentence each (a store or the sweep that could not finish)
 */
public record PruneReport(boolean dryRun, Instant at, List<StoreOutcome> stores, Instant uploadsCutoff,
                          SweepResult uploads, List<String> errors) {
    public PruneReport {
        stores = List.copyOf(stores);
        errors = List.copyOf(errors);
    }

    /** Refused deletions and failures: what makes the prune fail, one sentence each. */
    @JsonIgnore
    public List<String> problems() {
        List<String> all = new ArrayList<>();
        stores.forEach(s -> all.addAll(s.refusals()));
        all.addAll(errors);
        return all;
    }

    /** Every store's counts added up. */
    @JsonIgnore
    public PruneCounts counts() {
        PruneCounts all = PruneCounts.NONE;
        for (StoreOutcome s : stores) {
            all = all.plus(s.counts(dryRun));
        }
        return all;
    }

    @JsonIgnore
    public boolean failed() {
        return !problems().isEmpty();
    }
}
