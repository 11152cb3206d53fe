package com.shiftsync.backup.domain;

import com.shiftsync.backup.domain.RetentionPlan.Action;
import com.shiftsync.backup.domain.RetentionPlan.Decision;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Which backups of one store stay, and why: retention is where backup users most often
 * lose data (a run of failed backups, a changed setting), so the rules are few, each
 * decision carries its reason, and a safety floor no setting can remove.
 *
 * <p>A backup is kept when any of these holds, else deleted:
 * <ol>
 *   <li><b>safety floor</b>: it is one of the newest {@code floor} <em>complete</em> backups
 *       (manifest and archive present) of its tier, whatever its age;</li>
 *   <li><b>verified</b>: it is the newest complete backup that passed a restore test;</li>
 *   <li><b>age</b>: it started at most {@code maxAge(tier)} before now (exactly at the limit
 *       it is kept: the setting is a minimum, "kept for N days");</li>
 *   <li><b>keep-last</b> (grandfather-father-son): it is the newest complete backup, of any
 *       tier, of one of the last {@code keepDaily} UTC days, {@code keepWeekly} ISO weeks or
 *       {@code keepMonthly} calendar months that have one.</li>
 * </ol>
 * A backup's age is its id's timestamp (its manifest's startedAt), never a file's time.
 * A backup that started in the future ({@link BackupCatalog#fromTheFuture}: a clock ahead, a
 * planted manifest) is kept, since it is not expired, but counts for no rule: it would
 * otherwise stand in for the newest backup and let the floor give up a real one.
 * If the rules would delete every backup of a tier (possible only when none of them has
 * its archive, so the floor protects none), those deletions are refused and said so.
 *
 * @param maxAge      how long each tier is kept, for every tier
 * @param floor       how many of the newest complete backups of each tier are always kept; at least 1
 * @param keepDaily   keep-last days, 0 = off
 * @param keepWeekly  keep-last ISO weeks, 0 = off
 * @param keepMonthly keep-last months, 0 = off
 */
public record RetentionPolicy(Map<Tier, Duration> maxAge, int floor, int keepDaily, int keepWeekly, int keepMonthly) {

    public RetentionPolicy {
        Objects.requireNonNull(maxAge, "maxAge");
        EnumMap<Tier, Duration> ages = new EnumMap<>(Tier.class);
        for (Tier tier : Tier.values()) {
            Duration age = maxAge.get(tier);
            if (age == null || age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("the retention of " + tier + " backups must be positive, not " + age);
            }
            ages.put(tier, age);
        }
        maxAge = java.util.Collections.unmodifiableMap(ages);
        if (floor < 1) {
            throw new IllegalArgumentException("the safety floor must keep at least the newest backup of each tier, not "
                    + floor);
        }
        if (keepDaily < 0 || keepWeekly < 0 || keepMonthly < 0) {
            throw new IllegalArgumentException("keep-last counts must not be negative");
        }
    }

    /** Daily and manual backups kept {@code days}, weekly {@code weeklyDays}; floor and keep-last as given. */
    public static RetentionPolicy of(int days, int weeklyDays, int floor, int keepDaily, int keepWeekly,
                                     int keepMonthly) {
        return new RetentionPolicy(Map.of(Tier.DAILY, Duration.ofDays(days), Tier.MANUAL, Duration.ofDays(days),
                Tier.WEEKLY, Duration.ofDays(weeklyDays)), floor, keepDaily, keepWeekly, keepMonthly);
    }

    /** The same policy with {@code tier} kept {@code age} (the CLI's {@code backup --keep-days N}). */
    public RetentionPolicy withMaxAge(Tier tier, Duration age) {
        Map<Tier, Duration> ages = new EnumMap<>(maxAge);
        ages.put(tier, age);
        return new RetentionPolicy(ages, floor, keepDaily, keepWeekly, keepMonthly);
    }

    public Duration maxAge(Tier tier) {
        return maxAge.get(tier);
    }

    /** The rules in words, for plans and logs. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        for (Tier tier : Tier.values()) {
            s.append(s.isEmpty() ? "" : ", ").append(tier).append(' ').append(days(maxAge.get(tier)));
        }
        s.append("; floor ").append(floor);
        if (keepDaily + keepWeekly + keepMonthly > 0) {
            s.append("; keep-last daily ").append(keepDaily).append(", weekly ").append(keepWeekly)
                    .append(", monthly ").append(keepMonthly);
        }
        return s.toString();
    }

    /**
     * Decides every backup of one store.
     *
     * @param store    the store's name, for the plan
     * @param backups  every backup (manifest) in the store, any order
     * @param complete ids of the backups whose archive is present
     * @param verified ids of backups that passed a restore test (empty until verification exists)
     * @param now      the moment ages are measured from
     */
    public RetentionPlan select(String store, List<Manifest> backups, Set<String> complete, Set<String> verified,
                                Instant now) {
        List<Manifest> newestFirst = backups.stream().sorted(Comparator.comparing(Manifest::backupId)).toList();
        Map<String, List<String>> keepReasons = new LinkedHashMap<>();
        newestFirst.forEach(m -> keepReasons.put(m.id(), new ArrayList<>()));
        Set<String> future = new HashSet<>();
        newestFirst.stream().filter(m -> BackupCatalog.fromTheFuture(m, now)).forEach(m -> future.add(m.id()));
        Set<String> counted = new HashSet<>(complete);
        counted.removeAll(future);

        Map<Tier, Integer> completeSeen = new EnumMap<>(Tier.class);
        for (Manifest m : newestFirst) {
            if (counted.contains(m.id())) {
                int rank = completeSeen.merge(m.tier(), 1, Integer::sum);
                if (rank <= floor) {
                    keepReasons.get(m.id()).add(floor == 1
                            ? "newest complete " + m.tier() + " backup (safety floor)"
                            : "one of the " + floor + " newest complete " + m.tier() + " backups (safety floor)");
                }
            }
        }
        newestFirst.stream().filter(m -> counted.contains(m.id()) && verified.contains(m.id())).findFirst()
                .ifPresent(m -> keepReasons.get(m.id()).add("newest backup that passed verification (safety floor)"));
        for (Manifest m : newestFirst) {
            Duration age = Duration.between(m.startedAt(), now);
            if (future.contains(m.id())) {
                Instant started = m.startedAt().isAfter(m.backupId().startedAt()) ? m.startedAt()
                        : m.backupId().startedAt();
                keepReasons.get(m.id()).add("started " + Wording.span(Duration.between(now, started))
                        + " after now (a clock ahead, or a planted manifest): not expired, so kept, but it counts for "
                        + "no rule, not even the safety floor");
            } else if (age.compareTo(maxAge.get(m.tier())) <= 0) {
                keepReasons.get(m.id()).add("within the " + days(maxAge.get(m.tier())) + " " + m.tier()
                        + " retention (" + ageText(age) + ")");
            }
        }
        List<Manifest> gfsCandidates = newestFirst.stream().filter(m -> counted.contains(m.id())).toList();
        keepLast(gfsCandidates, keepDaily, m -> "day " + day(m), "keep-last daily", keepReasons);
        keepLast(gfsCandidates, keepWeekly, m -> "week " + week(m), "keep-last weekly", keepReasons);
        keepLast(gfsCandidates, keepMonthly, m -> "month " + YearMonth.from(day(m)), "keep-last monthly", keepReasons);

        List<Decision> decisions = new ArrayList<>();
        for (Manifest m : newestFirst) {
            List<String> reasons = keepReasons.get(m.id());
            boolean isComplete = complete.contains(m.id());
            if (reasons.isEmpty()) {
                String why = "older than the " + days(maxAge.get(m.tier())) + " " + m.tier() + " retention ("
                        + ageText(Duration.between(m.startedAt(), now)) + ")" + (isComplete ? "" : "; its archive is missing");
                decisions.add(new Decision(m.id(), m.tier(), m.startedAt(), m.sizeBytes(), isComplete, Action.DELETE, why));
            } else {
                decisions.add(new Decision(m.id(), m.tier(), m.startedAt(), m.sizeBytes(), isComplete, Action.KEEP,
                        String.join("; ", reasons)));
            }
        }
        return refuseEmptyTiers(store, now, decisions);
    }

    /** Refuses the deletions of any tier that would lose every backup it has. */
    private RetentionPlan refuseEmptyTiers(String store, Instant now, List<Decision> decisions) {
        List<RetentionPlan.Refusal> refusals = new ArrayList<>();
        Map<Tier, List<Decision>> byTier = new EnumMap<>(Tier.class);
        decisions.forEach(d -> byTier.computeIfAbsent(d.tier(), t -> new ArrayList<>()).add(d));
        Map<String, Decision> replaced = new HashMap<>();
        for (Map.Entry<Tier, List<Decision>> e : byTier.entrySet()) {
            List<Decision> ofTier = e.getValue();
            if (ofTier.stream().allMatch(Decision::deleted)) {
                String sentence = "refused to delete all " + ofTier.size() + " " + e.getKey() + " backup(s) in " + store
                        + ": that would leave none, and none of them has its archive, so the safety floor protects none";
                refusals.add(new RetentionPlan.Refusal(e.getKey(), sentence));
                for (Decision d : ofTier) {
                    replaced.put(d.id(), new Decision(d.id(), d.tier(), d.startedAt(), d.sizeBytes(), d.complete(),
                            Action.KEEP, "deletion refused (" + d.reason() + "): it would leave no " + d.tier()
                            + " backup in " + store));
                }
            }
        }
        List<Decision> result = decisions.stream().map(d -> replaced.getOrDefault(d.id(), d)).toList();
        return new RetentionPlan(store, now, describe(), result, refusals);
    }

    private static void keepLast(List<Manifest> newestFirst, int count, Function<Manifest, String> period,
                                 String rule, Map<String, List<String>> keepReasons) {
        if (count == 0) {
            return;
        }
        List<String> periods = new ArrayList<>();
        for (Manifest m : newestFirst) {
            String p = period.apply(m);
            if (!periods.contains(p)) {
                if (periods.size() == count) {
                    return;
                }
                periods.add(p);
                keepReasons.get(m.id()).add("newest backup of " + p + " (" + rule + " " + count + ")");
            }
        }
    }

    private static LocalDate day(Manifest m) {
        return LocalDate.ofInstant(m.startedAt(), ZoneOffset.UTC);
    }

    private static String week(Manifest m) {
        LocalDate d = day(m);
        return String.format(Locale.ROOT, "%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR),
                d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    static String days(Duration d) {
        long days = d.toDays();
        if (d.equals(Duration.ofDays(days))) {
            return days + "-day";
        }
        return d.toHours() + "-hour";
    }

    /** "12 days 3 h old", at hour resolution so a plan reads the same a few seconds later. */
    static String ageText(Duration age) {
        if (age.isNegative()) {
            return "started after now: is a clock wrong?";
        }
        long days = age.toDays();
        int hours = age.toHoursPart();
        return (days > 0 ? days + (days == 1 ? " day " : " days ") : "") + hours + " h old";
    }
}
