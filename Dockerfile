# ShiftSync Backup as a container image for Azure Functions (Elastic Premium plan, Linux):
# the Functions Java 17 base image, the app as `mvn package` lays it out, and pg_dump /
# pg_restore from the PostgreSQL project's apt repository (PGDG) of the server's major
# version (pg_dump must be at least the server's major; a matching one also restores cleanly).
#
#   docker build --build-arg PG_MAJOR=16 -t shiftsync-backup .
#   az acr build --registry <registry> --image shiftsync-backup:<tag> --build-arg PG_MAJOR=16 .
#
# azd passes PG_MAJOR from infra's output POSTGRES_VERSION (azure.yaml), which is the version
# of the server being backed up. The default below must equal postgresVersion's default in
# infra/main.bicep and infra/main.parameters.json (InfraDockerTest checks).

ARG PG_MAJOR=16

# --- build: the Functions app folder target/azure-functions/shiftsync-backup ---------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml host.json ./
COPY src/main ./src/main
RUN mvn -B -q -Dmaven.test.skip=true package

# --- run -----------------------------------------------------------------------------------
FROM mcr.microsoft.com/azure-functions/java:4-java17
ARG PG_MAJOR
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
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    rm -rf /var/lib/apt/lists/*; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version | grep -q "PostgreSQL) ${PG_MAJOR}\."; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_restore" --version | grep -q "PostgreSQL) ${PG_MAJOR}\."

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

# PG_BIN_DIR is the app's setting for where pg_dump and pg_restore are (infra sets the same).
ENV PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin \
    AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true

COPY --from=build /src/target/azure-functions/shiftsync-backup /home/site/wwwroot
