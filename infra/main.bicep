// ShiftSync Backup on Azure, in one deployment (azd up, or az deployment sub create): the
// Function App as a container on an Elastic Premium Linux plan (the image carries pg_dump and
// pg_restore of the server's major version), its storage, Key Vault, the roles it needs and
// nothing more, Application Insights with alert rules and a workbook, and optionally the
// Flexible Server itself.
//
// Kept plain on purpose: no registry modules, one API version per resource type.
// src/test/java/com/shiftsync/backup/infra reads these files: the Function App's settings
// must name every setting the code reads, the storage account every container and queue the
// code uses, and the failure alert every function that `mvn package` generates.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------
// Environment
// ---------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the environment (azd: AZURE_ENV_NAME). Names the resource group rg-<name> and tags everything.')
param environmentName string

@minLength(1)
@description('Region of the app, its storage, vault and monitoring (azd: AZURE_LOCATION).')
param location string

@description('Object id of whoever deploys, a person or a CI service principal (azd: AZURE_PRINCIPAL_ID). Gets Key Vault Secrets Officer on the vault, to rotate the database password. Empty: nobody.')
param principalId string = ''

@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
@description('Kind of principalId (azd: AZURE_PRINCIPAL_TYPE, which azd sets to User for a person signed in and to ServicePrincipal when it signs in with a client id, as a CI pipeline does).')
param principalType string = 'User'

// ---------------------------------------------------------------------------------------
// The PostgreSQL Flexible Server to back up
// ---------------------------------------------------------------------------------------

@description('true: create a new Flexible Server (geo-redundant backup, 35 days of backups) in the app\'s resource group. false: back up the existing server postgresServerName in postgresResourceGroupName.')
param createPostgresServer bool = false

@description('Name of the server. For a new server, empty means psql-shiftsync-<token>.')
param postgresServerName string = ''

@description('Resource group of an existing server (ignored when createPostgresServer is true: a new server goes into the app\'s resource group).')
param postgresResourceGroupName string = ''

@allowed([
  '11'
  '12'
  '13'
  '14'
  '15'
  '16'
  '17'
])
@description('PostgreSQL major version of a new server. For an existing server the server\'s own version is read and used instead (output POSTGRES_VERSION). The image carries the client of every major Flexible Server offers and the app picks the one each server needs, so this ties nothing to the image.')
param postgresVersion string = '16'

@description('SKU of a new server.')
param postgresSkuName string = 'Standard_B2s'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
@description('Tier of postgresSkuName.')
param postgresSkuTier string = 'Burstable'

@description('Database that is backed up.')
param databaseName string = 'shiftsync'

@description('PostgreSQL login the app backs up with (a new server\'s administrator). With databaseAuth entra: the Microsoft Entra principal name mapped to the app\'s identity.')
param databaseUser string = 'shiftsync_admin'

@allowed([
  'password'
  'entra'
])
@description('password: read from Key Vault at the start of every job. entra: a token of the app\'s managed identity is the password (no secret at all).')
param databaseAuth string = 'password'

@secure()
@description('Password of databaseUser (azd: DATABASE_PASSWORD). Written to Key Vault only; never an app setting. Empty: the secret is left as it is (set it once, then rotate in Key Vault).')
param databasePassword string = ''

@description('Name of the Key Vault secret that holds the password (app setting DATABASE_PASSWORD_SECRET). With databaseAuth password the app may read this one secret (Key Vault Secrets User on it, not on the vault), so it must exist when provisioning: give databasePassword the first time.')
param databasePasswordSecretName string = 'shiftsync-db-password'

// ---------------------------------------------------------------------------------------
// Backups that survive their own credentials: tamper-evident manifests, encrypted archives
// ---------------------------------------------------------------------------------------

@description('Name of the Key Vault secret holding the key that authenticates every manifest (MANIFEST_KEY_SECRET): this deployment creates it with 32 random bytes when the vault has none, and never replaces it.')
param manifestKeySecretName string = 'shiftsync-manifest-key'

@description('age recipients (age1..., comma-separated) every new archive is encrypted to (BACKUP_ENCRYPTION_RECIPIENTS). Empty: archives are stored as pg_dump writes them. Keep the identities offline; README: "Encrypted backups".')
param backupEncryptionRecipients string = ''

@description('Name of the Key Vault secret restores, restore tests and downloads read the age identity from (BACKUP_ENCRYPTION_IDENTITY_SECRET). Not created here: with backupEncryptionRecipients set, store the AGE-SECRET-KEY-1 line of your key file in it before provisioning; the app may read this one secret then.')
param backupEncryptionIdentitySecretName string = 'shiftsync-backup-identity'

// ---------------------------------------------------------------------------------------
// Names the app uses: containers (settings *_CONTAINER) and queues
// ---------------------------------------------------------------------------------------

@description('Container of the dumps (BACKUP_CONTAINER).')
param backupContainer string = 'shiftsync-backups'

@description('Container of ShiftSync\'s user uploads, swept after UPLOADS_TTL_HOURS (UPLOADS_CONTAINER).')
param uploadsContainer string = 'uploads'

@description('Container of the audit log, append blobs under a time-based immutability policy (AUDIT_CONTAINER).')
param auditContainer string = 'audit'

@description('Container of restore operations and their status (OPERATIONS_CONTAINER).')
param operationsContainer string = 'operations'

// Every container the storage account has. The app settings below name the same parameters.
var blobContainers = [
  backupContainer
  uploadsContainer
  auditContainer
  operationsContainer
]

// Every queue, in this one place: restores from a backup (POST /api/restores/from-backup) and
// on-demand backups (POST /api/backups) run from these, never inside an HTTP call, and
// operation-updates carries the reminders that move a restore's completion on. The code
// names them in port.WorkQueue; the Functions host reaches them through the connection
// ShiftSyncStorage (app settings ShiftSyncStorage__*).
var workQueues = [
  'restore-requests'
  'backup-requests'
  'operation-updates'
]

// ---------------------------------------------------------------------------------------
// Disaster recovery
// ---------------------------------------------------------------------------------------

@description('Delegated subnet in the paired region a private-access server is geo-restored into (GEO_RESTORE_SUBNET_ID); empty: none.')
param geoRestoreSubnetId string = ''

@description('Private DNS zone for that geo-restored server (GEO_RESTORE_PRIVATE_DNS_ZONE_ID); empty: none.')
param geoRestorePrivateDnsZoneId string = ''

@description('Key Vault secret ShiftSync reads its database host from; a cutover rewrites it (CUTOVER_SECRET_NAME), so the app gets Key Vault Secrets Officer on that one secret, which must exist before provisioning. Empty: no cutover, no such role.')
param cutoverSecretName string = ''

@description('Delegated subnet of an existing server with private access (VNet integration), its resource id: a point-in-time restore or a drill joins the new server to it, so the app may join subnets in its resource group. Empty: public access.')
param postgresSubnetId string = ''

@description('Private DNS zone of that server, its resource id (with postgresSubnetId); the app may join zones in its resource group. Empty: none.')
param postgresPrivateDnsZoneId string = ''

// The resource groups of every subnet and private DNS zone a restored server may join: the
// restore network role (restore-roles.bicep) is assigned on each, once. Derived from the ids
// (/subscriptions/<id>/resourceGroups/<name>/providers/...), lower case (Azure compares scopes
// without case), so that a subnet and a zone in one group give one assignment.
var restoreNetworkIds = filter([
  postgresSubnetId
  postgresPrivateDnsZoneId
  geoRestoreSubnetId
  geoRestorePrivateDnsZoneId
], id => !empty(id))
var restoreNetworkGroupIds = union(map(restoreNetworkIds, id => toLower('/subscriptions/${split(id, '/')[2]}/resourceGroups/${split(id, '/')[4]}')), [])

@description('Resource group point-in-time and geo-restores create their new server in (RESTORE_RESOURCE_GROUP): the app may create, write and restart servers there and only read the server being backed up. Empty: <the server\'s resource group>-restores, created by this deployment. A name: an existing group of yours in the same subscription; never the server\'s own group (refused).')
param restoreResourceGroupName string = ''

// ---------------------------------------------------------------------------------------
// Recovery drills (a point-in-time restore, or a dump restored into an empty server, verified, measured, deleted)
// ---------------------------------------------------------------------------------------

@description('true: the recoveryDrill timer runs a drill on its schedule (DRILL_ENABLED). A drill asked for by hand (POST /api/drills, CLI drill) runs either way.')
param drillEnabled bool = false

@allowed([
  'latest'
  'fast'
])
@description('What a drill restores to (DRILL_RESTORE_POINT): latest (newest point, with log replay) or fast (newest full backup, no replay).')
param drillRestorePoint string = 'latest'

@allowed([
  'alternate'
  'point-in-time'
  'dump'
])
@description('How a drill recovers (DRILL_METHOD): point-in-time (Azure restores the server), dump (the newest dump restored with its roles into an empty server like the source: what the recovery plan then quotes for dump-restore), or alternate (each drill the method the last one did not use).')
param drillMethod string = 'alternate'

@description('Resource group of the temporary drill servers (DRILL_RESOURCE_GROUP): the one group where the app may delete servers. Empty: <the server\'s resource group>-drills, created by this deployment. A name: an existing group of yours; never the server\'s own group (refused).')
param drillResourceGroupName string = ''

@minValue(1)
@description('A drill-tagged server older than this many hours whose drill has ended is deleted by the retentionPrune timer (DRILL_MAX_HOURS).')
param drillMaxHours int = 6

@minValue(1)
@description('While drills are enabled, status alerts when no drill passed within this many days (DRILL_MAX_AGE_DAYS).')
param drillMaxAgeDays int = 35

// ---------------------------------------------------------------------------------------
// Retention (the app's own rules stay the primary mechanism; lifecycle rules derive from them)
// ---------------------------------------------------------------------------------------

@minValue(1)
param localRetentionDays int = 7

@minValue(1)
@description('Days daily and manual backups are kept in Blob (AZURE_RETENTION_DAYS).')
param azureRetentionDays int = 30

@minValue(1)
@description('Days weekly backups are kept (WEEKLY_RETENTION_DAYS).')
param weeklyRetentionDays int = 30

@minValue(1)
@description('Hours after which uploads are deleted by the app (UPLOADS_TTL_HOURS).')
param uploadsTtlHours int = 24

@minValue(30)
@description('Lifecycle rules delete the previous versions of backup blobs (what the app\'s prune leaves with versioning on) this many days after the app\'s own retention: a deleted backup stays recoverable that long. No rule deletes a current backup.')
param lifecycleGraceDays int = 60

@minValue(1)
@description('Backup blobs move to the cool tier after this many days.')
param backupCoolAfterDays int = 7

@minValue(1)
@maxValue(365)
@description('Days a deleted blob or container can be undeleted.')
param softDeleteDays int = 14

@minValue(1)
@description('Days each audit blob is immutable (time-based retention policy of the audit container; created unlocked, see README to lock it).')
param auditImmutabilityDays int = 365

@description('true once the audit container\'s policy has been locked (README: "Locking the audit log", one way). A locked policy refuses the create-or-update of an unlocked one, so provision then leaves it alone (and auditImmutabilityDays no longer applies). false: provision creates or updates the unlocked policy.')
param auditImmutabilityLocked bool = false

// ---------------------------------------------------------------------------------------
// Monitoring, access, targets
// ---------------------------------------------------------------------------------------

@minLength(3)
@description('E-mail address of the action group that receives every alert (azd: ALERT_EMAIL).')
param alertEmail string

@description('App role a caller needs for restores and backup reads (ADMIN_ROLE).')
param adminRole string = 'Backup.Admin'

@description('Client id of the Microsoft Entra app registration that protects the HTTP API (App Service Authentication). Empty: no Easy Auth, and then the app refuses every admin call.')
param authClientId string = ''

@description('Timer schedules that differ from the contract\'s, e.g. {"nightlyExport": "0 30 1 * * *"} (NCRONTAB, UTC).')
param scheduleOverrides object = {}

@minValue(1)
param rpoTargetHours int = 24

@minValue(1)
param rtoTargetMinutes int = 120

@minValue(1)
@description('How long pg_dump / pg_restore may run (BACKUP_TIMEOUT_MINUTES); host.json allows a function 6 hours.')
param backupTimeoutMinutes int = 360

@description('How pg_dump compresses each archive (BACKUP_COMPRESSION): auto (zstd:1 where the server and its client are 16 or newer, else gzip), gzip[:1-9], zstd[:1-22], lz4[:1-12] or none.')
param backupCompression string = 'auto'

@description('pg_restore jobs for a restore into a database it creates (RESTORE_JOBS): auto (one per core) or 1 to 32; a restore over an existing database and the restore test always run in one transaction.')
param restoreJobs string = 'auto'

@minValue(1)
@description('Hours without a successful daily backup before the "no nightly backup" alert fires (MISSING_BACKUP_HOURS).')
param missingBackupHours int = 26

@minValue(1)
@description('Percent by which the newest backup may differ from the median of the 7 before it (SIZE_ANOMALY_PERCENT).')
param sizeAnomalyPercent int = 50

@minValue(1)
@description('Days without a passed restore test before the verification is stale (VERIFY_MAX_AGE_DAYS).')
param verifyMaxAgeDays int = 35

@description('Image to run, <registry>/<repository>:<tag> (azd: SERVICE_BACKUP_IMAGE_NAME, the image azd last pushed for service backup, so a later provision keeps it). Empty: the Functions base image, until the first deploy.')
param containerImage string = ''

@allowed([
  'EP1'
  'EP2'
  'EP3'
])
@description('Elastic Premium size. EP1 (1 vCPU, 3.5 GB) runs pg_dump of a small database comfortably.')
param planSku string = 'EP1'

// ---------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------

var token = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'shiftsync-backup'
}
var resourceGroupName = 'rg-${environmentName}'

// Azure region pairs, region -> its pair, programmatic names: the one list infra keeps. From
// Microsoft's "Azure region pairs and nonpaired regions" (learn.microsoft.com/azure/reliability/
// regions-paired, its table of paired regions as published in June 2026; programmatic names
// from "List of Azure regions"). Asymmetric pairs are listed as the source's pair (Brazil South
// -> South Central US, West India -> South India, West US 3 -> East US). Nonpaired regions
// (Austria East, Belgium Central, Chile Central, Denmark East, Indonesia Central, Israel Central,
// Italy North, Malaysia West, Mexico Central, New Zealand North, Poland Central, Qatar Central,
// Spain Central) are absent, and so is any region newer than that table: both are refused for
// a new server below. A geo-redundant backup is kept in the source's pair and a geo-restore
// goes there (output POSTGRES_PAIRED_REGION).
var regionPairs = {
  australiacentral: 'australiacentral2'
  australiacentral2: 'australiacentral'
  australiaeast: 'australiasoutheast'
  australiasoutheast: 'australiaeast'
  brazilsouth: 'southcentralus'
  brazilsoutheast: 'brazilsouth'
  canadacentral: 'canadaeast'
  canadaeast: 'canadacentral'
  centralindia: 'southindia'
  centralus: 'eastus2'
  eastasia: 'southeastasia'
  eastus: 'westus'
  eastus2: 'centralus'
  francecentral: 'francesouth'
  francesouth: 'francecentral'
  germanynorth: 'germanywestcentral'
  germanywestcentral: 'germanynorth'
  japaneast: 'japanwest'
  japanwest: 'japaneast'
  koreacentral: 'koreasouth'
  koreasouth: 'koreacentral'
  northcentralus: 'southcentralus'
  northeurope: 'westeurope'
  norwayeast: 'norwaywest'
  norwaywest: 'norwayeast'
  southafricanorth: 'southafricawest'
  southafricawest: 'southafricanorth'
  southcentralus: 'northcentralus'
  southeastasia: 'eastasia'
  southindia: 'centralindia'
  swedencentral: 'swedensouth'
  switzerlandnorth: 'switzerlandwest'
  switzerlandwest: 'switzerlandnorth'
  uaecentral: 'uaenorth'
  uaenorth: 'uaecentral'
  uksouth: 'ukwest'
  ukwest: 'uksouth'
  westcentralus: 'westus2'
  westeurope: 'northeurope'
  westindia: 'southindia'
  westus: 'eastus'
  westus2: 'westcentralus'
  westus3: 'eastus'
}

var pgServerName = !empty(postgresServerName) ? postgresServerName : 'psql-shiftsync-${token}'
var pgResourceGroupName = createPostgresServer ? resourceGroupName : postgresResourceGroupName

// Where point-in-time and geo-restores create their server. A group of its own, never the
// server's: the app may write and restart Flexible Servers there, and those rights on the
// server's group would let whoever holds the app's identity reset the production server's admin
// password, open its firewall or restart it. On the server's group the app only reads. The
// code's own default for RESTORE_RESOURCE_GROUP is the server's group (no group to create when
// run by hand), so infra always sets it. Resource group names are case-insensitive, hence toLower.
var restoreGroupCreated = empty(restoreResourceGroupName)
var restoreGroupWanted = restoreGroupCreated ? '${pgResourceGroupName}-restores' : restoreResourceGroupName
var restoreOnServerGroup = 'restoreResourceGroupName: ${restoreGroupWanted} is the resource group of the server being backed up. The app may create, write and restart Flexible Servers in the restores group, so it must be another one: leave restoreResourceGroupName empty (${pgResourceGroupName}-restores is then created), or name a group of yours (README: "Deploying to Azure", "Roles").'
var restoreGroupName = toLower(restoreGroupWanted) == toLower(pgResourceGroupName) ? fail(restoreOnServerGroup) : restoreGroupWanted

// Where drill servers are created and deleted. A group of their own, never the server's: the app
// may delete Flexible Servers there (the drill's end, the sweeper), and a delete right on the
// server's group would let a bug, or whoever controls the app's identity, delete the server
// being backed up. The code's own default for DRILL_RESOURCE_GROUP is the server's group (no
// group to create when run by hand), so infra always sets it. Resource group names are
// case-insensitive, hence toLower.
var drillGroupCreated = empty(drillResourceGroupName)
var drillGroupWanted = drillGroupCreated ? '${pgResourceGroupName}-drills' : drillResourceGroupName
var drillOnServerGroup = 'drillResourceGroupName: ${drillGroupWanted} is the resource group of the server being backed up. The app may delete Flexible Servers in the drill group, so it must be another one: leave drillResourceGroupName empty (${pgResourceGroupName}-drills is then created), or name a group that holds nothing but drill servers (README: "Deploying to Azure", "Turning drills on").'
var drillGroupName = toLower(drillGroupWanted) == toLower(pgResourceGroupName) ? fail(drillOnServerGroup) : drillGroupWanted

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

// The drill servers' own group, when infra names it. A group you name is yours and must exist:
// declaring it here would move its tags, and fail when it lives in another region. Created
// whether or not the timer drills (DRILL_ENABLED), since a drill by hand runs either way; it
// stays empty, and costs nothing, between drills.
resource drillRg 'Microsoft.Resources/resourceGroups@2024-03-01' = if (drillGroupCreated) {
  name: drillGroupName
  location: location
  tags: tags
}

// The restored servers' own group, when infra names it (a group you name is yours and must
// exist, as for drills). Empty until the first restore.
resource restoreRg 'Microsoft.Resources/resourceGroups@2024-03-01' = if (restoreGroupCreated) {
  name: restoreGroupName
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-${token}'
    appInsightsName: 'appi-${token}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'stbk${token}'
    containerNames: blobContainers
    queueNames: workQueues
    backupContainer: backupContainer
    uploadsContainer: uploadsContainer
    auditContainer: auditContainer
    operationsContainer: operationsContainer
    backupCoolAfterDays: backupCoolAfterDays
    backupVersionsDeleteAfterDays: max(azureRetentionDays, weeklyRetentionDays) + lifecycleGraceDays
    uploadsDeleteAfterDays: 1
    softDeleteDays: softDeleteDays
    auditImmutabilityDays: auditImmutabilityDays
    auditImmutabilityLocked: auditImmutabilityLocked
  }
}

module hostStorage 'modules/host-storage.bicep' = {
  name: 'host-storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'stfn${token}'
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'kv-${token}'
    secretName: databasePasswordSecretName
    secretValue: databasePassword
    manifestKeySecretName: manifestKeySecretName
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'cr${token}'
  }
}

// A new server gets geo-redundant backup, which Azure keeps in the region's pair: in a region
// without one the create would fail half-way through the deployment. Refuse it up front.
var noPairForGeoBackup = 'createPostgresServer: a new server gets geo-redundant backup, which Azure keeps in the region\'s pair, and ${location} has no pair. Deploy to a paired region (README: "Deploying to Azure", region pairs), or create the server yourself and back it up as an existing one (postgresServerName, postgresResourceGroupName).'
var postgresLocation = !createPostgresServer || contains(regionPairs, toLower(replace(location, ' ', ''))) ? location : fail(noPairForGeoBackup)

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  scope: resourceGroup(pgResourceGroupName)
  dependsOn: [
    rg
  ]
  params: {
    create: createPostgresServer
    location: postgresLocation
    tags: tags
    name: pgServerName
    version: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    databaseName: databaseName
    administratorLogin: databaseUser
    administratorPassword: databasePassword
  }
}

// The server's major version, for the outputs: a new server's, or what the existing server runs
// (the image carries every major's client, so nothing else depends on it).
var serverVersion = postgres.outputs.version

// Where a geo-restore of the server goes: its region's pair (empty: the region has none).
var serverRegion = toLower(replace(postgres.outputs.location, ' ', ''))

// Every Function App setting. The keys after the Functions host's own are exactly the
// settings of config.Setting (the Function App's ones), except IDENTITY_ENDPOINT and
// IDENTITY_HEADER (and WEBSITE_AUTH_ENABLED), which App Service sets in the running app and
// nobody else may, and AZURE_TENANT_ID / AZURE_CLIENT_SECRET, which are for a service
// principal on a developer's machine: in Azure the app uses its managed identity.
// No value here is a secret: storage and Resource Manager are reached with the managed
// identity, the database password is read from Key Vault when a job starts.
var appSettings = {
  // Functions host
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'java'
  AzureWebJobsStorage__blobServiceUri: hostStorage.outputs.blobEndpoint
  AzureWebJobsStorage__queueServiceUri: hostStorage.outputs.queueEndpoint
  AzureWebJobsStorage__tableServiceUri: hostStorage.outputs.tableEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  ShiftSyncStorage__queueServiceUri: storage.outputs.queueEndpoint
  ShiftSyncStorage__credential: 'managedidentity'
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  APPLICATIONINSIGHTS_ENABLE_AGENT: 'true'
  // With the agent on, the host no longer forwards the app's logs (host.json's sampling and log
  // levels apply to the host's own telemetry only): the Application Insights Java agent sends
  // them, configured by applicationinsights.json. Sampling at 100 %, and an override without
  // attributes, which matches every log record, keeps each log and exception at 100 % even in a
  // trace that was sampled out (only a 100 % override overrides an unsampled parent): every
  // ShiftSync.* event (INFO, hence logging level INFO) and every warning reaches the alerts.
  // No connection string inside (the agent takes APPLICATIONINSIGHTS_CONNECTION_STRING), and no
  // APPLICATIONINSIGHTS_SAMPLING_* or _INSTRUMENTATION_LOGGING_* setting, which would override it.
  // The Azure SDK's INFO chatter is stopped before the agent sees it: the image sets the SDK's
  // java.util.logging levels to WARNING (Dockerfile).
  APPLICATIONINSIGHTS_CONFIGURATION_CONTENT: string(loadJsonContent('applicationinsights.json'))
  WEBSITES_ENABLE_APP_SERVICE_STORAGE: 'false'
  DOCKER_REGISTRY_SERVER_URL: 'https://${registry.outputs.loginServer}'
  // The database (no password in the URL: it comes from Key Vault, or is an Entra token)
  DATABASE_URL: 'postgresql://${databaseUser}@${postgres.outputs.fqdn}:5432/${databaseName}'
  DATABASE_PASSWORD_SECRET: databasePasswordSecretName
  DATABASE_AUTH: databaseAuth
  KEY_VAULT_URL: vault.outputs.uri
  // Manifests authenticated with a key the storage account does not hold; archives encrypted (age)
  MANIFEST_KEY_SECRET: manifestKeySecretName
  BACKUP_ENCRYPTION_RECIPIENTS: backupEncryptionRecipients
  BACKUP_ENCRYPTION_IDENTITY_SECRET: backupEncryptionIdentitySecretName
  // Storage, by managed identity only
  BACKUP_DIR: '/var/backups/shiftsync'
  AZURE_STORAGE_CONNECTION_STRING: ''
  AZURE_STORAGE_ACCOUNT_URL: storage.outputs.blobEndpoint
  BACKUP_CONTAINER: backupContainer
  UPLOADS_CONTAINER: uploadsContainer
  AUDIT_CONTAINER: auditContainer
  OPERATIONS_CONTAINER: operationsContainer
  // Retention
  LOCAL_RETENTION_DAYS: string(localRetentionDays)
  AZURE_RETENTION_DAYS: string(azureRetentionDays)
  WEEKLY_RETENTION_DAYS: string(weeklyRetentionDays)
  RETENTION_FLOOR: '1'
  KEEP_LAST_DAILY: '0'
  KEEP_LAST_WEEKLY: '0'
  KEEP_LAST_MONTHLY: '0'
  ORPHAN_GRACE_HOURS: '24'
  UPLOADS_TTL_HOURS: string(uploadsTtlHours)
  // The source server, for point-in-time and geo-restores through Resource Manager
  AZURE_SUBSCRIPTION_ID: subscription().subscriptionId
  POSTGRES_RESOURCE_GROUP: pgResourceGroupName
  POSTGRES_SERVER_NAME: pgServerName
  AZURE_RESOURCE_MANAGER_ENDPOINT: environment().resourceManager
  // Where point-in-time and geo-restores create their server: not the server's group, which the app only reads
  RESTORE_RESOURCE_GROUP: restoreGroupName
  // Disaster recovery: where a private-access server is geo-restored, and the secret a cutover rewrites
  GEO_RESTORE_SUBNET_ID: geoRestoreSubnetId
  GEO_RESTORE_PRIVATE_DNS_ZONE_ID: geoRestorePrivateDnsZoneId
  CUTOVER_SECRET_NAME: cutoverSecretName
  // How the app checks a restored server: only at the host Resource Manager reports, in this domain, over TLS
  // verified against the roots shipped with the app (POSTGRES_ROOT_CERT_FILE empty)
  POSTGRES_SERVER_DOMAIN: 'postgres.database.azure.com'
  POSTGRES_ROOT_CERT_FILE: ''
  // Recovery drills
  DRILL_ENABLED: drillEnabled ? 'true' : 'false'
  DRILL_RESOURCE_GROUP: drillGroupName
  DRILL_RESTORE_POINT: drillRestorePoint
  DRILL_METHOD: drillMethod
  DRILL_MAX_HOURS: string(drillMaxHours)
  DRILL_MAX_AGE_DAYS: string(drillMaxAgeDays)
  // Targets, monitoring thresholds, access
  RPO_TARGET_HOURS: string(rpoTargetHours)
  RTO_TARGET_MINUTES: string(rtoTargetMinutes)
  MISSING_BACKUP_HOURS: string(missingBackupHours)
  SIZE_ANOMALY_PERCENT: string(sizeAnomalyPercent)
  VERIFY_MAX_AGE_DAYS: string(verifyMaxAgeDays)
  ADMIN_ROLE: adminRole
  TRUST_CLIENT_PRINCIPAL_HEADER: 'false'
  // Azure credentials: the system-assigned identity (a user-assigned one would put its client id here)
  AZURE_CLIENT_ID: ''
  // pg_dump / pg_restore: empty, so the app finds every client the image carries
  // (/usr/lib/postgresql/<major>/bin) and picks the one of each server's major
  PG_BIN_DIR: ''
  BACKUP_TIMEOUT_MINUTES: string(backupTimeoutMinutes)
  BACKUP_COMPRESSION: backupCompression
  RESTORE_JOBS: restoreJobs
  // Timer schedules (NCRONTAB, UTC), named like the functions
  nightlyExport: scheduleOverrides.?nightlyExport ?? '0 0 2 * * *'
  weeklyExport: scheduleOverrides.?weeklyExport ?? '0 0 3 * * 0'
  retentionPrune: scheduleOverrides.?retentionPrune ?? '0 30 * * * *'
  monthlyVerify: scheduleOverrides.?monthlyVerify ?? '0 0 4 1 * *'
  backupMonitor: scheduleOverrides.?backupMonitor ?? '0 */15 * * * *'
  offsiteCheck: scheduleOverrides.?offsiteCheck ?? '0 0 5 * * 0'
  recoveryDrill: scheduleOverrides.?recoveryDrill ?? '0 0 6 1 * *'
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'func-backup-${token}'
    planName: 'plan-backup-${token}'
    planSku: planSku
    image: !empty(containerImage) ? containerImage : 'mcr.microsoft.com/azure-functions/java:4-java17'
    appSettings: appSettings
    authClientId: authClientId
    appInsightsId: monitoring.outputs.appInsightsId
  }
}

// The Key Vault secrets the app reads, each of which gets its own read role (never the vault's):
// the database password (none with Entra), the manifests' key, and the age identity once
// archives are encrypted. Each must exist when provisioning, since a role on a secret needs it;
// the vault module, which runs first, writes the password when databasePassword is given.
var appReadSecretNames = filter([
  databaseAuth == 'password' ? databasePasswordSecretName : ''
  manifestKeySecretName
  empty(backupEncryptionRecipients) ? '' : backupEncryptionIdentitySecretName
], name => !empty(name))

// Least privilege for the app's identity on what this deployment created: data roles on the
// backup account only, the Functions host's roles on its own account, Key Vault Secrets User on
// each secret it reads (never the vault), AcrPull, and Key Vault Secrets Officer on the cutover
// secret alone when there is one.
module appRoles 'modules/app-roles.bicep' = {
  name: 'app-roles'
  scope: rg
  params: {
    principalId: functionApp.outputs.principalId
    backupStorageName: storage.outputs.name
    hostStorageName: hostStorage.outputs.name
    vaultName: vault.outputs.name
    registryName: registry.outputs.name
    readSecretNames: appReadSecretNames
    cutoverSecretName: cutoverSecretName
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
}

// Locking backups until their retention ends: a custom role with the one data action that sets
// a blob's immutability policy, on the backup container alone (the app sets only locked
// policies, which nobody can shorten or remove).
module backupImmutability 'modules/backup-immutability.bicep' = {
  name: 'backup-immutability'
  scope: rg
  params: {
    principalId: functionApp.outputs.principalId
    backupStorageName: storage.outputs.name
    backupContainer: backupContainer
    roleSuffix: '${environmentName}-${token}'
  }
}

// Restores and drills: custom roles with exactly the Resource Manager actions the app calls.
// After the groups: a role's assignable scope is its group.
module restoreRoles 'modules/restore-roles.bicep' = {
  name: 'restore-roles'
  dependsOn: [
    rg
    drillRg
    restoreRg
  ]
  params: {
    principalId: functionApp.outputs.principalId
    postgresResourceGroupName: pgResourceGroupName
    restoreResourceGroupName: restoreGroupName
    drillResourceGroupName: drillGroupName
    networkResourceGroupIds: restoreNetworkGroupIds
    roleSuffix: '${environmentName}-${token}'
  }
}

// After restoreRoles (each reads its output): a custom role exists before its first assignment.
// The server's group: read only. Nothing the app holds can write, restart or delete there.
module sourceAssignment 'modules/restore-assignment.bicep' = {
  name: 'source-assignment'
  scope: resourceGroup(pgResourceGroupName)
  params: {
    principalId: functionApp.outputs.principalId
    roleDefinitionId: restoreRoles.outputs.sourceReaderRoleId
  }
}

// Creating, writing and restarting servers: in the restores group alone (restoreGroupName
// refuses the server's group), without delete.
module restoreAssignment 'modules/restore-assignment.bicep' = {
  name: 'restore-assignment'
  scope: resourceGroup(restoreGroupName)
  params: {
    principalId: functionApp.outputs.principalId
    roleDefinitionId: restoreRoles.outputs.restoredServersRoleId
  }
}

// The one delete right: servers in the drill group, never the server's own (drillGroupName
// refuses that).
module drillAssignment 'modules/restore-assignment.bicep' = {
  name: 'drill-assignment'
  scope: resourceGroup(drillGroupName)
  params: {
    principalId: functionApp.outputs.principalId
    roleDefinitionId: restoreRoles.outputs.drillServersRoleId
  }
}

// Joining subnets and private DNS zones, on each of their groups (none for public access).
module networkAssignments 'modules/restore-assignment.bicep' = [
  for groupId in restoreNetworkGroupIds: {
    name: 'network-assignment-${uniqueString(groupId)}'
    scope: resourceGroup(split(groupId, '/')[2], split(groupId, '/')[4])
    params: {
      principalId: functionApp.outputs.principalId
      roleDefinitionId: restoreRoles.outputs.restoreNetworkRoleId
    }
  }
]

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    actionGroupName: 'ag-backup-${token}'
    alertEmail: alertEmail
    missingBackupHours: missingBackupHours
    rpoTargetHours: rpoTargetHours
    rtoTargetMinutes: rtoTargetMinutes
  }
}

// ---------------------------------------------------------------------------------------
// Outputs (azd stores them in the environment)
// ---------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_CONTAINER_REGISTRY_NAME string = registry.outputs.name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output POSTGRES_VERSION string = serverVersion
output POSTGRES_SERVER_NAME string = pgServerName
output POSTGRES_RESOURCE_GROUP string = pgResourceGroupName
output POSTGRES_GEO_REDUNDANT_BACKUP string = postgres.outputs.geoRedundantBackup
output POSTGRES_PAIRED_REGION string = regionPairs[?serverRegion] ?? ''
output BACKUP_STORAGE_ACCOUNT string = storage.outputs.name
output KEY_VAULT_NAME string = vault.outputs.name
output APPLICATION_INSIGHTS_NAME string = monitoring.outputs.appInsightsName
