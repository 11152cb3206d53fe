// Alerts and the workbook, on Application Insights: an action group that mails alertEmail,
// one scheduled query rule per condition (queries in infra/alerts/*.kql, read by the tests),
// and a workbook with the panels of the app's own page (GET /api/dashboard): the newest monitor
// run's alerts, each tier against the RPO target, backups over time (size, duration, rows),
// restore tests, recovery times against the RTO target, the backups and the recent operations.

param location string
param tags object
param appInsightsId string
param actionGroupName string

@description('Where every alert is mailed.')
param alertEmail string

param missingBackupHours int

@description('RPO_TARGET_HOURS and RTO_TARGET_MINUTES: the workbook draws the same targets as the app.')
param rpoTargetHours int
param rtoTargetMinutes int

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: actionGroupName
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'ssbackup'
    enabled: true
    emailReceivers: [
      {
        name: 'backup-operators'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

// Log alerts may look back at most 2 days (overrideQueryTimeRange P2D): conditions that need
// a longer history (size against the median of 7 backups, a restore test older than 35 days)
// are computed by the backupMonitor function from stored manifests and records, which emits
// ShiftSync.Alert events; these rules alert on those events.
var rules = [
  {
    name: 'function-failure'
    displayName: 'ShiftSync Backup: a function failed'
    description: 'An invocation of a function failed, or a job reported a ShiftSync.*.Failed event. The dimension names the function; the log line says why.'
    severity: 1
    frequency: 'PT5M'
    window: 'PT5M'
    queryTimeRange: ''
    query: loadTextContent('../alerts/function-failure.kql')
    operator: 'GreaterThan'
    threshold: 0
    dimensions: [
      {
        name: 'function'
        operator: 'Include'
        values: [
          '*'
        ]
      }
    ]
    autoMitigate: false
  }
  {
    name: 'no-nightly-backup'
    displayName: 'ShiftSync Backup: no successful nightly backup in ${missingBackupHours} h'
    description: 'No ShiftSync.Backup.Succeeded event of the daily tier. The app may be stopped, the database unreachable, or the export failing (see the function-failure alert).'
    severity: 1
    frequency: 'PT1H'
    window: 'PT1H'
    queryTimeRange: 'P2D'
    query: replace(loadTextContent('../alerts/no-nightly-backup.kql'), '{missingBackupHours}', string(missingBackupHours))
    operator: 'LessThan'
    threshold: 1
    dimensions: []
    autoMitigate: true
  }
  {
    name: 'size-anomaly'
    displayName: 'ShiftSync Backup: backup size anomaly'
    description: 'The newest backup of a tier differs from the median of the 7 before it by more than SIZE_ANOMALY_PERCENT: data lost, or a runaway table.'
    severity: 2
    frequency: 'PT15M'
    window: 'PT30M'
    queryTimeRange: ''
    query: loadTextContent('../alerts/size-anomaly.kql')
    operator: 'GreaterThan'
    threshold: 0
    dimensions: [
      {
        name: 'tier'
        operator: 'Include'
        values: [
          '*'
        ]
      }
    ]
    autoMitigate: true
  }
  {
    name: 'verification'
    displayName: 'ShiftSync Backup: restore test failed or stale'
    description: 'The monthly restore test failed, or no backup passed one within VERIFY_MAX_AGE_DAYS.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT30M'
    queryTimeRange: ''
    query: loadTextContent('../alerts/verification.kql')
    operator: 'GreaterThan'
    threshold: 0
    dimensions: [
      {
        name: 'problem'
        operator: 'Include'
        values: [
          '*'
        ]
      }
    ]
    autoMitigate: true
  }
  {
    name: 'backup-integrity'
    displayName: 'ShiftSync Backup: a backup is damaged, missing from Azure, or cannot be made'
    description: 'A backup is not complete (archive missing or of the wrong size, manifest unreadable), a backup has no Azure copy, or the offsite check found a copy missing or altered; or the server runs a PostgreSQL major newer than every pg_dump in the image (client-too-old), so the next backup will fail. The reason names the backup and the store, or the package to install.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT30M'
    queryTimeRange: ''
    query: loadTextContent('../alerts/backup-integrity.kql')
    operator: 'GreaterThan'
    threshold: 0
    dimensions: [
      {
        name: 'problem'
        operator: 'Include'
        values: [
          '*'
        ]
      }
    ]
    autoMitigate: true
  }
  {
    name: 'drill'
    displayName: 'ShiftSync Backup: recovery drill failed, over the RTO target, or stale'
    description: 'The last recovery drill failed (its restore, its verification, or the deletion of its server), its measured recovery time is over RTO_TARGET_MINUTES, or no drill passed within DRILL_MAX_AGE_DAYS while DRILL_ENABLED is true. The server restore path the RTO targets rely on is unproven until a drill passes.'
    severity: 1
    frequency: 'PT15M'
    window: 'PT30M'
    queryTimeRange: ''
    query: loadTextContent('../alerts/drill.kql')
    operator: 'GreaterThan'
    threshold: 0
    dimensions: [
      {
        name: 'problem'
        operator: 'Include'
        values: [
          '*'
        ]
      }
    ]
    autoMitigate: true
  }
  {
    name: 'restore-started'
    displayName: 'ShiftSync Backup: a restore was started'
    description: 'Informational: a point-in-time or geo-restore, or a restore of a dump, was started. Every restore request is also in the audit container.'
    severity: 3
    frequency: 'PT5M'
    window: 'PT5M'
    queryTimeRange: ''
    query: loadTextContent('../alerts/restore-started.kql')
    operator: 'GreaterThan'
    threshold: 0
    dimensions: []
    autoMitigate: false
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [
  for rule in rules: {
    name: 'shiftsync-backup-${rule.name}'
    location: location
    tags: tags
    kind: 'LogAlert'
    properties: {
      displayName: rule.displayName
      description: rule.description
      severity: rule.severity
      enabled: true
      scopes: [
        appInsightsId
      ]
      evaluationFrequency: rule.frequency
      windowSize: rule.window
      overrideQueryTimeRange: empty(rule.queryTimeRange) ? null : rule.queryTimeRange
      autoMitigate: rule.autoMitigate
      criteria: {
        allOf: [
          {
            query: rule.query
            timeAggregation: 'Count'
            operator: rule.operator
            threshold: rule.threshold
            dimensions: rule.dimensions
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, appInsightsId, 'shiftsync-backup-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'ShiftSync Backup'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: replace(replace(replace(replace(loadTextContent('../workbooks/shiftsync-backup.workbook.json'), '__APP_INSIGHTS_ID__', appInsightsId), '__RPO_TARGET_HOURS__', string(rpoTargetHours)), '__RTO_TARGET_MINUTES__', string(rtoTargetMinutes)), '__MISSING_BACKUP_HOURS__', string(missingBackupHours))
  }
}

output actionGroupId string = actionGroup.id
output workbookId string = workbook.id
