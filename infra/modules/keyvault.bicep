// Key Vault for the database password and the manifests' key: RBAC authorization (no access
// policies), soft delete and purge protection. The app reads the secret named
// DATABASE_PASSWORD_SECRET at the start of every job, so a rotated password needs no restart and
// no redeployment, and MANIFEST_KEY_SECRET's key whenever it reads or writes a manifest.

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

param secretName string

@secure()
@description('The password. Empty: the secret is not written by this deployment (set or rotate it in Key Vault).')
param secretValue string

@description('Secret holding the key that authenticates every manifest (MANIFEST_KEY_SECRET): created once, with 32 random bytes, by the script below; never replaced by a later deployment.')
param manifestKeySecretName string

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

// The manifests' key (HMAC-SHA256, 32 random bytes, base64) is made inside Azure when the vault
// has none, and left alone when it has one. Bicep has no random function: newGuid() works only as
// a parameter default and gives a new value on every deployment, which would replace the key and
// make every manifest signed with the old one unverifiable. So a deployment script, with an
// identity of its own that holds Key Vault Secrets Officer on this vault (the app's identity only
// reads), creates the secret if, and only if, Key Vault answers SecretNotFound for it.
var secretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource manifestKeyWriter 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${name}-manifest-key'
  location: location
  tags: tags
}

resource manifestKeyWriterRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, manifestKeyWriter.id, secretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficer)
    principalId: manifestKeyWriter.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource manifestKey 'Microsoft.Resources/deploymentScripts@2023-08-01' = {
  name: 'manifest-key-${name}'
  location: location
  tags: tags
  kind: 'AzureCLI'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${manifestKeyWriter.id}': {}
    }
  }
  dependsOn: [ manifestKeyWriterRole ]
  properties: {
    azCliVersion: '2.61.0'
    timeout: 'PT30M'
    retentionInterval: 'PT1H'
    cleanupPreference: 'Always'
    environmentVariables: [
      { name: 'VAULT', value: vault.name }
      { name: 'SECRET', value: manifestKeySecretName }
    ]
    scriptContent: loadTextContent('manifest-key.sh')
  }
}

output name string = vault.name
output id string = vault.id
output uri string = vault.properties.vaultUri
