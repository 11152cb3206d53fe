package com.shiftsync.backup.domain;

import com.shiftsync.backup.domain.RetentionPlan.Action;
import com.shiftsync.backup.domain.RetentionPlan.Decision;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The retention rules on their own: no store, a fixed clock, every decision checked with its reason. */
class RetentionPolicyTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-31T12:00:00Z"), ZoneOffset.UTC);
    private static final Instant NOW = CLOCK.instant();
    private static final RetentionPolicy GUIDE = RetentionPolicy.of(7, 30, 1, 0, 0, 0);

    @Test
    @DisplayName("a backup exactly at its retention is kept; one second older is deleted")
    void ageBoundary() {
        Manifest atLimit = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(7)));
        Manifest over = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(7)).minusSeconds(1));
        Manifest newest = manifest(Tier.DAILY, NOW.minus(Duration.ofHours(3)));
        RetentionPlan plan = select(GUIDE, List.of(over, atLimit, newest), Set.of());
        assertEquals(List.of(newest.id(), atLimit.id()), kept(plan));
        Decision gone = decision(plan, over);
        assertEquals(Action.DELETE, gone.action());
        assertEquals("older than the 7-day daily retention (7 days 0 h old)", gone.reason());
        assertEquals("within the 7-day daily retention (7 days 0 h old)", decision(plan, atLimit).reason());
    }

    @Test
    @DisplayName("safety floor: after weeks without a backup the newest complete one of each tier stays, whatever its age")
    void floorKeepsNewestOfEachTier() {
        List<Manifest> backups = new ArrayList<>();
        for (int day = 100; day >= 60; day--) {
            backups.add(manifest(Tier.DAILY, NOW.minus(Duration.ofDays(day))));
        }
        Manifest weekly = manifest(Tier.WEEKLY, NOW.minus(Duration.ofDays(70)).plusSeconds(60));
        Manifest manual = manifest(Tier.MANUAL, NOW.minus(Duration.ofDays(200)));
        backups.add(weekly);
        backups.add(manual);
        RetentionPlan plan = select(GUIDE, backups, Set.of());
        Manifest newestDaily = backups.get(40);
        assertEquals(Set.of(newestDaily.id(), weekly.id(), manual.id()), Set.copyOf(kept(plan)));
        assertEquals("newest complete daily backup (safety floor)", decision(plan, newestDaily).reason());
        assertEquals("newest complete weekly backup (safety floor)", decision(plan, weekly).reason());
        assertEquals(List.of(), plan.refusals());
    }

    @Test
    @DisplayName("the floor counts only complete backups: a newest backup without its archive does not protect the tier")
    void floorSkipsIncomplete() {
        Manifest broken = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(40)));
        Manifest good = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(41)));
        Manifest older = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(42)));
        RetentionPlan plan = GUIDE.select("local", List.of(broken, good, older), Set.of(good.id(), older.id()), Set.of(),
                NOW);
        assertEquals(List.of(good.id()), kept(plan));
        assertEquals("older than the 7-day daily retention (40 days 0 h old); its archive is missing",
                decision(plan, broken).reason());
        assertEquals(2, RetentionPolicy.of(7, 30, 2, 0, 0, 0)
                .select("local", List.of(broken, good, older), Set.of(good.id(), older.id()), Set.of(), NOW)
                .toKeep().size(), "a floor of 2 keeps the two newest complete ones");
    }

    @Test
    @DisplayName("a backup dated an hour ahead is kept but counts for nothing: the floor, the verified rule and keep-last "
            + "go to the real newest; one 4 minutes ahead is an ordinary backup")
    void fromTheFuture() {
        Manifest ahead = manifest(Tier.DAILY, NOW.plus(Duration.ofHours(1)));
        Manifest real = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(40)));
        Manifest older = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(41)));
        RetentionPolicy policy = RetentionPolicy.of(7, 30, 1, 1, 0, 0);
        RetentionPlan plan = select(policy, List.of(ahead, real, older), Set.of(ahead.id(), older.id()));
        assertEquals(List.of(ahead.id(), real.id(), older.id()), kept(plan));
        assertEquals("started 60 min after now (a clock ahead, or a planted manifest): not expired, so kept, but it "
                + "counts for no rule, not even the safety floor", decision(plan, ahead).reason());
        assertEquals("newest complete daily backup (safety floor); newest backup of day 2024-02-20 (keep-last daily 1)",
                decision(plan, real).reason());
        assertEquals("newest backup that passed verification (safety floor)", decision(plan, older).reason());

        Manifest soon = manifest(Tier.DAILY, NOW.plus(Duration.ofMinutes(4)));
        RetentionPlan ordinary = select(GUIDE, List.of(soon, real), Set.of());
        assertEquals(List.of(soon.id()), kept(ordinary));
        assertEquals("newest complete daily backup (safety floor); within the 7-day daily retention (started after now: "
                + "is a clock wrong?)",
                decision(ordinary, soon).reason());
    }

    @Test
    @DisplayName("the newest backup that passed verification is kept, older verified ones are not")
    void newestVerifiedKept() {
        Manifest verifiedOld = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(50)));
        Manifest verifiedNewer = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(20)));
        Manifest unverified = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(10)));
        Manifest fresh = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(1)));
        List<Manifest> all = List.of(verifiedOld, verifiedNewer, unverified, fresh);
        RetentionPlan plan = select(GUIDE, all, Set.of(verifiedOld.id(), verifiedNewer.id()));
        assertEquals(List.of(fresh.id(), verifiedNewer.id()), kept(plan));
        assertEquals("newest backup that passed verification (safety floor)", decision(plan, verifiedNewer).reason());
    }

    @Test
    @DisplayName("a policy that would delete every backup of a tier refuses and says why")
    void refusesToEmptyATier() {
        Manifest a = manifest(Tier.WEEKLY, NOW.minus(Duration.ofDays(40)));
        Manifest b = manifest(Tier.WEEKLY, NOW.minus(Duration.ofDays(47)));
        Manifest daily = manifest(Tier.DAILY, NOW.minus(Duration.ofDays(50)));
        RetentionPlan plan = GUIDE.select("azure", List.of(a, b, daily), Set.of(daily.id()), Set.of(), NOW);
        assertEquals(List.of(), plan.toDelete());
        assertEquals(1, plan.refusals().size());
        assertEquals(Tier.WEEKLY, plan.refusals().get(0).tier());
        assertEquals("refused to delete all 2 weekly backup(s) in azure: that would leave none, and none of them has "
                + "its archive, so the safety floor protects none", plan.refusals().get(0).reason());
        assertTrue(decision(plan, a).reason().startsWith("deletion refused (older than the 30-day weekly retention"),
                decision(plan, a).reason());
    }

    @Test
    @DisplayName("keep-last daily / weekly / monthly keep the newest backup of each of the last N periods that have one")
    void keepLast() {
        List<Manifest> backups = new ArrayList<>();
        // two backups a day for 120 days, the last on 2024-03-31 at 02:00 and 08:00
        for (int day = 0; day < 120; day++) {
            Instant midnight = Instant.parse("2024-03-31T00:00:00Z").minus(Duration.ofDays(day));
            backups.add(manifest(Tier.DAILY, midnight.plus(Duration.ofHours(2))));
            backups.add(manifest(Tier.DAILY, midnight.plus(Duration.ofHours(8))));
        }
        RetentionPolicy gfs = RetentionPolicy.of(1, 30, 1, 10, 6, 3);
        RetentionPlan plan = select(gfs, backups, Set.of());
        Set<String> keptIds = Set.copyOf(kept(plan));
        Set<String> expected = new HashSet<>();
        // within 1 day: 2024-03-31 08:00 and 02:00, and 2024-03-30 12:00.. none (08:00 is 28 h old)
        expected.add(id("20240331_080000"));
        expected.add(id("20240331_020000"));
        for (int d = 22; d <= 31; d++) {
            expected.add(id(String.format("202403%02d_080000", d))); // the last 10 days
        }
        // ISO weeks end on Sunday: 2024-03-31 is a Sunday; the newest of the 5 weeks before it
        for (String sunday : List.of("20240324", "20240317", "20240310", "20240303", "20240225")) {
            expected.add(id(sunday + "_080000"));
        }
        // months: March (31st), February (29th), January (31st)
        expected.add(id("20240229_080000"));
        expected.add(id("20240131_080000"));
        assertEquals(expected, keptIds);
        assertEquals("newest backup of month 2024-01 (keep-last monthly 3)", decision(plan, id("20240131_080000")).reason());
        assertTrue(decision(plan, id("20240324_080000")).reason().contains("newest backup of week 2024-W12"),
                decision(plan, id("20240324_080000")).reason());
    }

    @Test
    @DisplayName("backup --keep-days N changes the age of one tier only; the plan is the same every time it is asked")
    void overrideAndDeterminism() {
        RetentionPolicy keep14 = GUIDE.withMaxAge(Tier.DAILY, Duration.ofDays(14));
        assertEquals(Duration.ofDays(14), keep14.maxAge(Tier.DAILY));
        assertEquals(Duration.ofDays(7), keep14.maxAge(Tier.MANUAL));
        assertEquals("daily 14-day, weekly 30-day, manual 7-day; floor 1", keep14.describe());
        List<Manifest> backups = List.of(manifest(Tier.DAILY, NOW.minus(Duration.ofDays(10))),
                manifest(Tier.DAILY, NOW.minus(Duration.ofDays(20))), manifest(Tier.DAILY, NOW.minus(Duration.ofDays(3))));
        assertEquals(select(keep14, backups, Set.of()), select(keep14, backups, Set.of()));
        assertEquals(2, select(keep14, backups, Set.of()).toKeep().size());
    }

    @Test
    @DisplayName("a floor of zero, a non-positive age or a negative keep-last count is refused when built")
    void badPolicies() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.of(7, 30, 0, 0, 0, 0))
                .getMessage().contains("safety floor"));
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.of(0, 30, 1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.of(7, -1, 1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.of(7, 30, 1, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(Map.of(Tier.DAILY, Duration.ofDays(1)),
                1, 0, 0, 0));
    }

    private static RetentionPlan select(RetentionPolicy policy, List<Manifest> backups, Set<String> verified) {
        Set<String> complete = backups.stream().map(Manifest::id).collect(Collectors.toSet());
        return policy.select("local", backups, complete, verified, NOW);
    }

    private static List<String> kept(RetentionPlan plan) {
        return plan.toKeep().stream().map(Decision::id).toList();
    }

    private static Decision decision(RetentionPlan plan, Manifest m) {
        return decision(plan, m.id());
    }

    private static Decision decision(RetentionPlan plan, String id) {
        return plan.decisions().stream().filter(d -> d.id().equals(id)).findFirst().orElseThrow();
    }

    private static String id(String stamp) {
        return "shiftsync_backup_" + stamp;
    }

    static Manifest manifest(Tier tier, Instant at) {
        BackupId id = BackupId.of("shiftsync", at);
        return new Manifest(id.toString(), "shiftsync", tier, at, at.plusSeconds(5), 1000, "0".repeat(64), "15.18",
                "pg_dump (PostgreSQL) 15.18", Manifest.CUSTOM_FORMAT, Map.of("public.users", 60L));
    }
}
