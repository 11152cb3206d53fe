// The backup storage account: the dumps and their manifests, ShiftSync's uploads, the audit
// log, restore operations, and the work queues. The app reaches it only with its managed
// identity, so shared keys (and with them every connection string and SAS) are off.
// Lifecycle rules are defence in depth: the app's retention (retentionPrune) stays the
// primary mechanism and never deletes the last good backup; the rules only catch what an app
// that stopped running would leave behind, well after the app's own retention.

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

@description('Every container to create.')
param containerNames array

@description('Every queue to create.')
param queueNames array

param backupContainer string
param uploadsContainer string
param auditContainer string

@description('Standard_RAGRS: the dumps are copied to the paired region and can be read there during a regional outage (the guide\'s offsite copy).')
param skuName string = 'Standard_RAGRS'

param backupCoolAfterDays int
param backupDeleteAfterDays int
param uploadsDeleteAfterDays int
param softDeleteDays int
param auditImmutabilityDays int

@description('true once the audit policy is locked: a locked policy refuses the create-or-update below, so it is left alone.')
param auditImmutabilityLocked bool

// The backup tiers' folders in the backup container (domain.Tier): lifecycle rules touch only
// these, never locks/ (leases of running backups) nor history/ (the append blobs of every
// outcome, which must outlive the backups they describe; InfraStorageTest checks).
var backupTierPrefixes = [
  '${backupContainer}/daily/'
  '${backupContainer}/weekly/'
  '${backupContainer}/manual/'
]

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: skuName
  }
  properties: {
    accessTier: 'Hot'
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteDays
    }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: {
      publicAccess: 'None'
    }
  }
]

resource audit 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: auditContainer
}

// Time-based retention on the audit log: no record can be changed or deleted before it is
// auditImmutabilityDays old. The audit log appends to one append blob a day, so protected
// append writes stay allowed. This PUT "creates or updates an unlocked immutability policy"
// (the Storage API's own words): it is refused once the policy is locked. So it is declared
// only while auditImmutabilityLocked is false; README's lock step sets it to true, after which
// provision leaves the locked policy as it is (a locked policy can only be lengthened, with
// the extendImmutabilityPolicy action, and blocks deleting the account until it expires).
resource auditImmutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = if (!auditImmutabilityLocked) {
  parent: audit
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditImmutabilityDays
    allowProtectedAppendWrites: true
  }
  dependsOn: [
    containers
  ]
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for queueName in queueNames: {
    parent: queueService
    name: queueName
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          // The app deletes uploads older than UPLOADS_TTL_HOURS every hour; this catches any it missed.
          name: 'uploads-expire'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
                'appendBlob'
              ]
              prefixMatch: [
                '${uploadsContainer}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: uploadsDeleteAfterDays
                }
              }
            }
          }
        }
        {
          // Backups are rarely read after their first week (restore tests and restores use
          // the newest): cool storage. Deleted only long after the app's own retention.
          name: 'backups-cool-then-expire'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: backupTierPrefixes
            }
            actions: {
              baseBlob: {
                tierToCool: {
                  daysAfterModificationGreaterThan: backupCoolAfterDays
                }
                delete: {
                  daysAfterModificationGreaterThan: backupDeleteAfterDays
                }
              }
            }
          }
        }
      ]
    }
  }
  dependsOn: [
    containers
  ]
}

output name string = account.name
output id string = account.id
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
