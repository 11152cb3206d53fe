// The Functions host's own storage account (AzureWebJobsStorage: timer schedules and
// singleton leases, function keys). Kept apart from the backups so that the host's broader
// role (Storage Blob Data Owner) never reaches a backup. Reached by managed identity
// (AzureWebJobsStorage__*Uri + __credential), so shared keys are off: a container app on an
// Elastic Premium plan runs its code from the image and needs no Azure Files content share
// (WEBSITE_CONTENTAZUREFILECONNECTIONSTRING), the one part of Functions that still needs a key.

param location string
param tags object

@minLength(3)
@maxLength(24)
param name string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
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

output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
