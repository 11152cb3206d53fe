// The Function App identity's data roles, each on one resource, none broader:
//   backup account  Storage Blob Data Contributor   dumps, manifests, records, leases, uploads sweep, audit appends
//                   Storage Queue Data Contributor  send and receive restore-requests / backup-requests
//   host account    Storage Blob Data Owner         the Functions host's minimum for AzureWebJobsStorage by identity
//                   Storage Table Data Contributor  the host's diagnostic events
//   each secret     Key Vault Secrets User          read the secrets the app reads (readSecretNames: the
//   it reads                                        database password, the manifests' key, the age
//                                                   identity), one assignment on each, none on the vault
//   registry        AcrPull                         pull the app's image
//   cutover secret  Key Vault Secrets Officer       a cutover writes the restored server's host into
//                                                   CUTOVER_SECRET_NAME (only when it is set)
// and, when an operator is given, Key Vault Secrets Officer on the vault to rotate the password.
//
// Reads are per secret, not on the vault: an identity that reads the whole vault reads every
// secret anyone ever puts there (and a vault holds more than this app's, sooner or later). A role
// on a secret needs the secret: each one named must exist when provisioning.
// The cutover's role is on that one secret, never the vault: Secrets Officer on the vault could
// overwrite the database password too. It is the narrowest built-in role that may set a secret
// (Secrets User and Reader only read); on one secret it also lets the app delete that secret,
// and purge protection keeps a deleted one recoverable. A role on a secret needs the secret:
// create it (its value: the server's host name) before provisioning with cutoverSecretName.

param principalId string
param backupStorageName string
param hostStorageName string
param vaultName string
param registryName string

@description('The vault\'s secrets the app reads, each of which must exist: one Key Vault Secrets User assignment on each.')
param readSecretNames array

@description('CUTOVER_SECRET_NAME, an existing secret of the vault; empty: no cutover, no role on it.')
param cutoverSecretName string

@description('Object id of the operator who rotates the password; empty: none.')
param operatorPrincipalId string
param operatorPrincipalType string

var roles = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
}

resource backupStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: backupStorageName
}

resource hostStorage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: hostStorageName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: vaultName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource readSecrets 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = [
  for name in readSecretNames: {
    parent: vault
    name: name
  }
]

resource cutover 'Microsoft.KeyVault/vaults/secrets@2023-07-01' existing = if (!empty(cutoverSecretName)) {
  parent: vault
  name: cutoverSecretName
}

resource backupBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(backupStorage.id, principalId, roles.storageBlobDataContributor)
  scope: backupStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource backupQueues 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(backupStorage.id, principalId, roles.storageQueueDataContributor)
  scope: backupStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource hostBlobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, roles.storageBlobDataOwner)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource hostTables 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(hostStorage.id, principalId, roles.storageTableDataContributor)
  scope: hostStorage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource secretReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, i) in readSecretNames: {
    name: guid(vault.id, name, principalId, roles.keyVaultSecretsUser)
    scope: readSecrets[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource imagePull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, roles.acrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.acrPull)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource cutoverSecret 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(cutoverSecretName)) {
  name: guid(vault.id, cutoverSecretName, principalId, roles.keyVaultSecretsOfficer)
  scope: cutover
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource operatorSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
  }
}
