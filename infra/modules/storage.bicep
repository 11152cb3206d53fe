// The backup storage account: the dumps and their manifests, ShiftSync's uploads, the audit
// log, restore operations, and the work queues. The app reaches it only with its managed
// identity, so shared keys (and with them every connection string and SAS) are off.
//
// Backups survive the credentials that wrote them: blob versioning is on, and the backup
// container has version-level immutability, so the app locks each backup until its retention
// ends (README: "Immutable backups"); a locked backup cannot be deleted or its lock shortened by
// anyone, the account key and the app's identity included, and neither can the container or the
// account while it holds one. Blob and container soft delete add a second chance for the rest.
//
// Lifecycle rules never delete a current backup: the app's retention (retentionPrune) alone
// does, and never the last good one or one inside its retention. The rules cool backups and
// delete only previous versions (what the app's deletes, or anyone's overwrites, leave behind
// with versioning on), long after the longest retention: a version still locked is refused to
// them as to anyone (InfraStorageTest checks what each rule can reach).

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
param operationsContainer string

@description('Standard_RAGRS: the dumps are copied to the paired region and can be read there during a regional outage (the guide\'s offsite copy).')
param skuName string = 'Standard_RAGRS'

param backupCoolAfterDays int

@description('Previous versions of backup blobs (left by prune\'s deletes, or by an overwrite) are deleted this many days after the blob was first written: after the longest retention and a grace period, so never one of a backup inside its retention.')
param backupVersionsDeleteAfterDays int
param uploadsDeleteAfterDays int

@description('Previous versions of operation records (each step of a restore rewrites its record) are deleted this many days after they were written.')
param operationVersionsDeleteAfterDays int = 30
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
    // version-level immutability needs versioning; it also keeps a previous version of whatever is
    // deleted or overwritten, which the app's identity (Storage Blob Data Contributor) cannot delete
    isVersioningEnabled: true
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

// The backup container has version-level immutability ("immutable storage with versioning"),
// set at creation: it cannot be turned off, and an existing container must be migrated first
// (README: "Immutable backups"). No default policy: the app locks each backup itself, for its
// retention, and leaves records and leases writable. The other containers have none (the audit
// log has a container-level policy below, which allows appends; a version-level one would not).
resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for containerName in containerNames: {
    parent: blobService
    name: containerName
    properties: union({
      publicAccess: 'None'
    }, containerName == backupContainer ? {
      immutableStorageWithVersioning: {
        enabled: true
      }
    } : {})
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
              // with versioning, a deleted upload stays as a previous version: it goes as well
              version: {
                delete: {
                  daysAfterCreationGreaterThan: uploadsDeleteAfterDays
                }
              }
            }
          }
        }
        {
          // Backups are rarely read after their first week (restore tests and restores use
          // the newest): cool storage. No delete of a current backup: that is the app's
          // retention alone, which keeps the newest good one and every one inside its retention.
          name: 'backups-cool'
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
              }
            }
          }
        }
        {
          // What prune's deletes (and anyone's overwrites) leave as previous versions, once the
          // blob was first written longer ago than the longest retention and a grace period. A
          // version still locked (a backup kept past its retention, a legal hold) is refused to
          // this rule as to anyone.
          name: 'backup-versions-expire'
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
              version: {
                delete: {
                  daysAfterCreationGreaterThan: backupVersionsDeleteAfterDays
                }
              }
            }
          }
        }
        {
          // Each step of a restore rewrites its operation record: its previous versions go after a month.
          name: 'operation-versions-expire'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${operationsContainer}/'
              ]
            }
            actions: {
              version: {
                delete: {
                  daysAfterCreationGreaterThan: operationVersionsDeleteAfterDays
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
