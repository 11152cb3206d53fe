// Log Analytics and a workspace-based Application Insights: the Functions host sends every
// invocation (requests) there, and the Application Insights Java agent the app's log lines
// (traces, where the structured ShiftSync.* events are), exceptions and dependencies, as
// infra/applicationinsights.json configures it; the alert rules and the workbook query it.

param location string
param tags object
param logAnalyticsName string
param appInsightsName string

@minValue(30)
@description('Days logs are kept: long enough to look back over a month of backups and restore tests.')
param retentionInDays int = 90

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    RetentionInDays: retentionInDays
  }
}

output appInsightsId string = appInsights.id
output appInsightsName string = appInsights.name
output appInsightsConnectionString string = appInsights.properties.ConnectionString
output workspaceId string = workspace.id
