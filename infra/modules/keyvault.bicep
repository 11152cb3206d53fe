// Key Vault for the database password: RBAC authorization (no access policies), soft delete
// and purge protection. The app reads the secret named DATABASE_PASSWORD_SECRET at the start
// of every job, so a rotated password needs no restart and no redeployment.

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

param secretName string

@secure()
@description('The password. Empty: the secret is not written by this deployment (set or rotate it in Key Vault).')
param secretValue string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(secretValue)) {
  parent: vault
  name: secretName
  properties: {
    value: secretValue
    contentType: 'PostgreSQL password of the login in DATABASE_URL'
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
