// The Flexible Server that is backed up: a new one (create = true), or the existing one,
// read only to learn its host name, major version and backup settings.
// A new server gets geo-redundant backup and 35 days of backups: geo-restore is impossible
// without geo-redundant backup, and that choice can only be made when the server is created.
// API version 2025-08-01: the first stable one whose properties.version lists 17 (2024-08-01
// stops at 16); main.bicep's postgresVersion allows no major it does not list.

param create bool
param location string
param tags object
param name string
param version string
param skuName string
param skuTier string
param databaseName string
param administratorLogin string

@secure()
param administratorPassword string

resource created 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' = if (create) {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Enabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 35
      geoRedundantBackup: 'Enabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2025-08-01' = if (create) {
  parent: created
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// The Function App has no fixed outbound address without a virtual network: allow
// connections from Azure services (0.0.0.0). Logins still need the password or an Entra
// token, over TLS. README: move to VNet integration and private access to close this.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2025-08-01' = if (create) {
  parent: created
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource existingServer 'Microsoft.DBforPostgreSQL/flexibleServers@2025-08-01' existing = if (!create) {
  name: name
}

output fqdn string = create ? created.properties.fullyQualifiedDomainName : existingServer.properties.fullyQualifiedDomainName
output version string = create ? created.properties.version : existingServer.properties.version
output location string = create ? created.location : existingServer.location
output geoRedundantBackup string = create ? created.properties.backup.geoRedundantBackup : existingServer.properties.backup.geoRedundantBackup
output id string = create ? created.id : existingServer.id
