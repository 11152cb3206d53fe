package com.shiftsync.backup.bench;

import com.shiftsync.backup.adapter.azure.ArmServerAdmin;
import com.shiftsync.backup.config.App;
import com.shiftsync.backup.config.Settings;
import com.shiftsync.backup.domain.Caller;
import com.shiftsync.backup.domain.Drill;
import com.shiftsync.backup.domain.DrillState;
import com.shiftsync.backup.domain.Operation;
import com.shiftsync.backup.domain.Manifest;
import com.shiftsync.backup.domain.RecoveryScenario;
import com.shiftsync.backup.domain.Tier;
import com.shiftsync.backup.port.Reporter;
import com.shiftsync.backup.recovery.RecoveryPlan;
import com.shiftsync.backup.testing.ArmFake;
import com.shiftsync.backup.testing.ManagedIdentityFake;
import com.shiftsync.backup.testing.PostgresCluster;
import com.shiftsync.backup.testing.TestCa;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Not a test: what this product adds to a recovery's time, measured on a real database of
 * SIZE_MB, with every figure printed:
 * <ol>
 *   <li>the dump-restore way end to end (our RestoreJob: download from the folder, SHA-256,
 *       pg_restore in one transaction, row counts) — the whole recovery time of that method;</li>
 *   <li>a recovery drill against the Resource Manager fake, Azure's own part instant, the drill
 *       server a second real PostgreSQL holding a copy of the database: the completion (rules,
 *       parameters) and the verification (every table counted on the new server and compared
 *       with the newest backup) — what the app adds after Azure to a point-in-time or
 *       geo-restore, which a real drill adds to Azure's own time;</li>
 *   <li>a dump drill against the fake, Azure's creation of the empty server instant, that server a
 *       real, fresh PostgreSQL where the fake makes the admin the create asks for: the admin
 *       password set, the dump restored with its roles (the database's objects belong to an
 *       application role, not the superuser) and every table checked — the dump path's recovery
 *       time after Azure's part, which the plan then quotes for dump-restore;</li>
 *   <li>the JVM's peak resident memory (VmHWM) and heap.</li>
 * </ol>
 * Azure's restore time itself cannot be measured here; in Azure the drill measures it (the
 * drill's {@code steps} and {@code recoverySeconds}, and {@code status}).
 *
 * <p>Run: {@code mvn -B -Pbench-recovery test-compile exec:exec [-Dbench.mb=500]}.
 */
public final class RecoveryBenchmark {

    public static void main(String[] args) throws Exception {
        int sizeMb = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        PostgresCluster pg = PostgresCluster.shared();
        // the application's role owns the data, as on Azure (where the admin is no superuser)
        pg.execute("postgres", "CREATE ROLE bench_owner NOLOGIN");
        String db = "bench_" + Long.toHexString(System.nanoTime());
        pg.execute("postgres", "CREATE DATABASE " + db + " OWNER bench_owner");
        pg.executeResourceAs(db, "/seed/shiftsync.sql", "bench_owner", "shiftsync");
        long grown = time(() -> grow(pg, db, sizeMb));
        System.out.printf(Locale.ROOT, "database %s: %d MB (%d s to generate); %d cores, heap limit %d MiB%n", db,
                size(pg, db), grown / 1000, Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);

        try (ArmFake arm = new ArmFake(); ManagedIdentityFake identity = new ManagedIdentityFake()) {
            Map<String, String> env = new HashMap<>();
            env.put("AZURE_SUBSCRIPTION_ID", ArmFake.SUBSCRIPTION);
            env.put("POSTGRES_RESOURCE_GROUP", ArmFake.RESOURCE_GROUP);
            env.put("POSTGRES_SERVER_NAME", ArmFake.SOURCE);
            env.put("AZURE_RESOURCE_MANAGER_ENDPOINT", arm.endpoint());
            // the drill servers' host names, and the CA their certificates chain to (verify-full)
            env.put("POSTGRES_SERVER_DOMAIN", TestCa.DOMAIN);
            env.put("POSTGRES_ROOT_CERT_FILE", TestCa.shared().certificate().toString());
            env.putAll(identity.settings());
            env.put("DATABASE_URL", pg.urlText(db));
            env.put("BACKUP_DIR", Files.createTempDirectory("shiftsync-bench-recovery").toString());
            App app = new App(new Settings(env), Clock.systemUTC(), identity.credential(),
                    new ArmServerAdmin.Tuning(1, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5),
                            Duration.ofSeconds(60)));

            Manifest[] backup = new Manifest[1];
            long backupMs = time(() -> backup[0] = app.backups().toLocal().run(Tier.DAILY, Reporter.NONE).manifest());
            System.out.printf(Locale.ROOT, "backup (pg_dump to the folder): %.1f s, %d MB archive, %,d rows%n",
                    backupMs / 1000.0, backup[0].sizeBytes() >> 20, backup[0].totalRows());

            String target = pg.createDatabase("bench_restored");
            pg.dropDatabase(target);
            long restoreMs = time(() -> app.backups().restoreJob().run(app.stores().local(), backup[0].id(),
                    pg.url(target), Reporter.NONE));
            System.out.printf(Locale.ROOT, "1. dump-restore, end to end (SHA-256, pg_restore, row counts): %.1f s%n",
                    restoreMs / 1000.0);
            pg.dropDatabase(target);

            PostgresCluster restored = PostgresCluster.restoredServer();
            long copyMs = time(() -> restored.restoreFrom(pg, db));
            System.out.printf(Locale.ROOT, "   (stand-in for Azure's part: the drill server's copy made with "
                    + "pg_dump | pg_restore in %.1f s; not a measure of Azure)%n", copyMs / 1000.0);
            arm.source("Canada Central", "2024-01-08T02:13:55Z", true);
            arm.firewallRules(ArmFake.SOURCE, "app", "198.51.100.7", "198.51.100.7");
            arm.configurations(ArmFake.SOURCE, "work_mem", "65536", "user-override", "true");
            arm.acceptDrills(ArmFake.RESOURCE_GROUP, "canadacentral", PostgresCluster.RESTORED_HOST);
            Caller bench = new Caller("bench", "bench", Caller.OS_USER, Set.of());
            Drill[] drill = new Drill[1];
            long drillMs = time(() -> drill[0] = drilled(app, DrillState.Method.POINT_IN_TIME, bench));
            Drill d = drill[0];
            System.out.printf(Locale.ROOT, "2. drill with Azure's part instant: %.1f s wall; steps: %s; verification "
                            + "of %d tables against backup %s%n", drillMs / 1000.0, steps(d),
                    d.verification().tables().size(), d.verification().comparedWith());
            RecoveryPlan plan = app.recovery().planner().plan(RecoveryScenario.SERVER_FAILURE, null, Reporter.NONE);
            plan.options().stream().filter(o -> o.expectedDuration() != null).forEach(o -> System.out.printf(
                    Locale.ROOT, "   plan, %s%s: expected %s (%s)%n", o.method(), o.restorePoint() == null ? ""
                            : " " + o.restorePoint(), o.expectedDuration().text(), o.expectedDuration().basis()));

            PostgresCluster empty = PostgresCluster.drillServer(pg);
            arm.acceptDumpDrills(ArmFake.RESOURCE_GROUP, "canadacentral", empty, PostgresCluster.DRILL_HOST,
                    "Succeeded");
            // a minute on: a drill server's name is never one a drill on record used (names go by the minute)
            App later = new App(new Settings(env), Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)),
                    identity.credential(), new ArmServerAdmin.Tuning(1, Duration.ofMillis(50), Duration.ofMillis(200),
                    Duration.ofSeconds(5), Duration.ofSeconds(60)));
            long dumpMs = time(() -> drill[0] = drilled(later, DrillState.Method.DUMP, bench));
            Drill dd = drill[0];
            Operation done = later.queued().operations().read(dd.drillId());
            DrillState.DumpRestore dumped = done.state(DrillState.class).dump();
            Duration verifying = Duration.between(done.state(DrillState.class).reachedAt(DrillState.Step.VERIFYING),
                    dumped.completion().verifiedAt());
            System.out.printf(Locale.ROOT, "3. dump drill with Azure's part instant: %.1f s wall; steps: %s%n"
                            + "   the dump path after Azure's part (admin password, roles %s created, pg_restore "
                            + "%.1f s, %d tables checked against %s): %.1f s; recovery time (request to checked "
                            + "database) %d s%n", dumpMs / 1000.0, steps(dd), dd.rolesCreated(),
                    dumped.restoreMs() / 1000.0, dd.verification().tables().size(), dd.backupId(),
                    verifying.toMillis() / 1000.0, dd.recoverySeconds());
            later.recovery().planner().plan(RecoveryScenario.SERVER_FAILURE, null, Reporter.NONE).options().stream()
                    .filter(o -> o.method().equals("dump-restore")).forEach(o -> System.out.printf(Locale.ROOT,
                            "   plan, dump-restore: expected %s (%s)%n", o.expectedDuration().text(),
                            o.expectedDuration().basis()));
            Runtime rt = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "4. this JVM: peak RSS %s, heap in use %d MiB of %d MiB%n", peakRss(),
                    (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
        }
        System.exit(0);
    }

    /** A drill of {@code method} started and stepped by the worker to its end; it must pass. */
    static Drill drilled(App app, DrillState.Method method, Caller caller) {
        String id = app.recovery().drillJob().start(caller, "cli", method, Reporter.NONE).id();
        Drill drill;
        do {
            app.queued().operationWorker().step(id, Reporter.NONE);
            drill = app.recovery().drillJob().view(app.queued().operations().read(id));
        } while (!drill.status().finished());
        if (!drill.passed()) {
            throw new IllegalStateException("the " + method.id() + " drill failed: " + drill.error());
        }
        return drill;
    }

    /** "requested 0 s, restoring 2 s, ...". */
    static String steps(Drill drill) {
        StringBuilder steps = new StringBuilder();
        drill.steps().forEach(s -> steps.append(steps.length() == 0 ? "" : ", ").append(s.step()).append(' ')
                .append(s.seconds()).append(" s"));
        return steps.toString();
    }

    /**
     * Adds rows of poorly compressible text (320 random bytes each, base64) until the database is
     * {@code mb} large, in bench_owner's schema and as that role.
     */
    static void grow(PostgresCluster pg, String db, int mb) {
        pg.execute(db, "SET ROLE bench_owner; CREATE TABLE shiftsync.upload_events (id bigserial PRIMARY KEY, "
                + "upload_id uuid NOT NULL, user_id integer NOT NULL, happened_at timestamptz NOT NULL, "
                + "bytes bigint NOT NULL, payload text NOT NULL)");
        while (size(pg, db) < mb) {
            pg.execute(db, "INSERT INTO shiftsync.upload_events (upload_id, user_id, happened_at, bytes, payload) "
                    + "SELECT gen_random_uuid(), (random() * 60)::int, now() - random() * interval '90 days', "
                    + "(random() * 1e9)::bigint, encode(sha512(random()::text::bytea) || sha512(random()::text::bytea)"
                    + " || sha512(random()::text::bytea) || sha512(random()::text::bytea) "
                    + "|| sha512(random()::text::bytea), 'base64') FROM generate_series(1, 100000)");
        }
    }

    static long size(PostgresCluster pg, String db) {
        try (var c = pg.connect(db); var s = c.createStatement();
             var r = s.executeQuery("SELECT pg_database_size(current_database()) / 1048576")) {
            r.next();
            return r.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long time(Runnable work) {
        long start = System.nanoTime();
        work.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    static String peakRss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                    .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private RecoveryBenchmark() {
    }
}
