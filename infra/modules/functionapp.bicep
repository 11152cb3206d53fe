// The Function App: Java 17 on Linux, as a container (the Functions Java 17 base image plus
// the PostgreSQL client, see Dockerfile) on an Elastic Premium plan, which runs containers,
// lets a function run for hours (host.json: 6 h) and keeps one instance always ready so the
// timers fire on time. System-assigned managed identity; the image is pulled with it.
//
// One instance, always ready, and no scale-out: a few long jobs need no second instance, and
// scale-in is what kills a running export (a function gets 60 minutes' grace on scale-in and
// 10 on a platform upgrade, however long functionTimeout is). With one instance only a
// deploy, a platform upgrade or a crash can stop an export; the timer then runs it again when
// the host starts (the occurrence is past due), the export timers retry a failed run (@FixedDelayRetry
// in ExportFunctions), and the monitor's no-nightly-backup alert covers what is left. The cost
// of one instance: a restore and a backup at the same time share it (README).

param location string
param tags object
param name string
param planName string
param planSku string

@description('<registry>/<repository>:<tag> to run.')
param image string

@description('Every app setting, name to value.')
param appSettings object

@description('Client id of the Entra app registration for App Service Authentication; empty: none.')
param authClientId string

param appInsightsId string

// The plan's and the site's instance counts, all one: always ready (minimum), never more (maximum).
var instances = 1

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
    capacity: instances
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: instances
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': 'backup'
    'hidden-link: /app-insights-resource-id': appInsightsId
  })
  kind: 'functionapp,linux,container'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'DOCKER|${image}'
      acrUseManagedIdentityCreds: true
      minimumElasticInstanceCount: instances
      functionAppScaleLimit: instances
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      remoteDebuggingEnabled: false
      appSettings: [
        for setting in items(appSettings): {
          name: setting.key
          value: setting.value
        }
      ]
    }
  }
}

// No publishing by user name and password: deployments go through Entra (azd, az CLI).
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// App Service Authentication (Easy Auth) with Microsoft Entra: callers present a token for
// api://<client id>; the platform checks it and passes the caller (with its app roles) to the
// app as X-MS-CLIENT-PRINCIPAL, and sets WEBSITE_AUTH_ENABLED. Only GET /api/status is open
// to a caller without a token (it still needs the function key). No client secret: the API
// only validates tokens.
resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(authClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: [
        '/api/status'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${authClientId}'
            authClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = site.name
output id string = site.id
output principalId string = site.identity.principalId
output defaultHostName string = site.properties.defaultHostName
