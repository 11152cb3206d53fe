# ShiftSync Backup as a container image for Azure Functions (Elastic Premium plan, Linux):
# the Functions Java 17 base image, the app as `mvn package` lays it out, and pg_dump /
# pg_restore of every PostgreSQL major Azure Database for PostgreSQL Flexible Server offers,
# from the PostgreSQL project's apt repository (PGDG). The app picks the client of each
# server's major (pg_dump at least the server's, pg_restore no newer than the target server),
# so an in-place major upgrade of the server needs no new image.
#
#   docker build -t shiftsync-backup .
#   az acr build --registry <registry> --image shiftsync-backup:<tag> .
#
# PG_MAJORS are the majors Flexible Server offers: 11 to 18 (Azure's "Supported versions of
# PostgreSQL" and "version policy" pages; flexibleServers API 2025-08-01 accepts 11 to 18,
# InfraDockerTest keeps the two lists equal). PGDG ships the majors the PostgreSQL community
# supports and drops an end-of-life major some time after its end: each major PGDG still has is
# installed, one it no longer has is left out (a newer pg_dump still dumps those servers), and
# the build fails without the newest, which dumps every server Azure runs.

ARG PG_MAJORS="11 12 13 14 15 16 17 18"

# --- build: the Functions app folder target/azure-functions/shiftsync-backup ---------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml host.json ./
COPY src/main ./src/main
RUN mvn -B -q -Dmaven.test.skip=true package

# --- run -----------------------------------------------------------------------------------
FROM mcr.microsoft.com/azure-functions/java:4-java17
ARG PG_MAJORS
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl; \
    install -d /usr/share/postgresql-common/pgdg; \
    curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    . /etc/os-release; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    clients=""; \
    for major in ${PG_MAJORS}; do \
        if apt-cache show "postgresql-client-${major}" >/dev/null 2>&1; then clients="${clients} ${major}"; \
        else echo "PGDG no longer ships postgresql-client-${major}: left out" >&2; fi; \
    done; \
    newest="${PG_MAJORS##* }"; \
    case " ${clients} " in *" ${newest} "*) ;; *) echo "PGDG has no postgresql-client-${newest}" >&2; exit 1;; esac; \
    apt-get install -y --no-install-recommends $(for major in ${clients}; do echo "postgresql-client-${major}"; done); \
    rm -rf /var/lib/apt/lists/*; \
    for major in ${clients}; do \
        "/usr/lib/postgresql/${major}/bin/pg_dump" --version | grep -q "PostgreSQL) ${major}\."; \
        "/usr/lib/postgresql/${major}/bin/pg_restore" --version | grep -q "PostgreSQL) ${major}\."; \
    done

# The Azure SDK (and MSAL, reactor-netty under it) logs through slf4j to java.util.logging, and
# the Application Insights Java agent exports what java.util.logging lets through: their
# warnings stay, their INFO chatter goes. Set in the JDK's own logging.properties, which the
# Functions Java worker's JVM reads and does not reset; the app's events (the invocation's own
# logger, com.shiftsync.*) keep INFO. The build fails if the file is not where JAVA_HOME says.
RUN set -eux; \
    conf="${JAVA_HOME}/conf/logging.properties"; \
    test -f "$conf"; \
    printf '%s\n' '' '# ShiftSync Backup: SDK chatter off, SDK warnings on (see the Dockerfile)' \
        'com.azure.level = WARNING' \
        'com.microsoft.aad.msal4j.level = WARNING' \
        'reactor.level = WARNING' \
        'io.netty.level = WARNING' >> "$conf"; \
    grep -qx 'com.azure.level = WARNING' "$conf"

# No PG_BIN_DIR: the app finds every /usr/lib/postgresql/<major>/bin installed above (infra
# leaves the setting empty), and picks the one each server needs.
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true

COPY --from=build /src/target/azure-functions/shiftsync-backup /home/site/wwwroot
