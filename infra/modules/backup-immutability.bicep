// The app's right to lock backups: Set Blob Immutability Policy needs the data action
// .../blobs/immutableStorage/runAsSuperUser/action ("Authorize access with Microsoft Entra ID",
// permissions for data operations), which Storage Blob Data Contributor lacks and Storage Blob
// Data Owner grants with far more (ACLs, ownership, deleting versions). So a custom role holds
// that one action, on the backup container alone.
//
// The same action would shorten or delete an *unlocked* policy, and set or lift legal holds.
// The app sets only locked policies, which nobody can shorten or delete (the account key and the
// subscription's owners included): with this role a stolen identity can lock a backup for
// longer, never for less (README: "Immutable backups"). Deleting previous versions
// (blobs/deleteBlobVersion/action) is in neither of the app's storage roles.
targetScope = 'resourceGroup'

param principalId string
param backupStorageName string
param backupContainer string

@description('Makes the role name unique in the tenant.')
param roleSuffix string

var lockAction = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/immutableStorage/runAsSuperUser/action'

// A role definition's id is subscription-level whatever scope deploys it: the assignment names it
// so, and waits for it explicitly (the same pattern as restore-roles.bicep).
var backupLockerName = guid(resourceGroup().id, roleSuffix, 'shiftsync-backup-immutability')
var backupLockerId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', backupLockerName)

resource backupStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: backupStorageName
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' existing = {
  parent: backupStorage
  name: 'default'
}

resource container 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' existing = {
  parent: blobService
  name: backupContainer
}

resource backupLocker 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: backupLockerName
  properties: {
    roleName: 'ShiftSync Backup immutability (${roleSuffix})'
    description: 'Lock blobs until a date (Set Blob Immutability Policy), and nothing else. Assigned to the ShiftSync Backup Function App on its backup container, where it locks each backup until its retention ends.'
    type: 'CustomRole'
    permissions: [
      {
        actions: []
        notActions: []
        dataActions: [
          lockAction
        ]
        notDataActions: []
      }
    ]
    assignableScopes: [
      resourceGroup().id
    ]
  }
}

resource lockBackups 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(container.id, principalId, backupLockerId)
  scope: container
  properties: {
    roleDefinitionId: backupLockerId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    backupLocker
  ]
}
