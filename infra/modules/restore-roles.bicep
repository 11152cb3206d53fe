// Point-in-time and geo-restores create a new Flexible Server through Resource Manager. No
// built-in role fits without granting far more (Contributor; there is no PostgreSQL-only
// contributor role), so two custom roles hold exactly the actions the app calls:
//
// 1. on the server's resource group (restore-assignment.bicep):
//      flexibleServers/read    read the source (earliest restore point, geo-redundancy, region)
//                              and the target (exists? its host name when done)
//      flexibleServers/write   the PUT with createMode PointInTimeRestore / GeoRestore
//      locations/azureAsyncOperation/read, locations/operationResults/read
//                              follow the operation (Azure-AsyncOperation / Location URLs)
// 2. on the subscription (assigned here), because these are subscription-level calls:
//      checkNameAvailability/action   POST /subscriptions/{id}/providers/Microsoft.DBforPostgreSQL/checkNameAvailability
//      locations/azureAsyncOperation/read, locations/operationResults/read
//                              the operation URLs live under /subscriptions/{id}/providers/...
//    These reveal only whether a server name is taken and an operation's status.
// Nothing here can delete a server, change its firewall, or read data.
targetScope = 'subscription'

param principalId string
param postgresResourceGroupName string

@description('Makes the role names unique in the tenant.')
param roleSuffix string

var restoreOperationActions = [
  'Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read'
  'Microsoft.DBforPostgreSQL/locations/operationResults/read'
]

// The roles' names (guids) and ids. A new custom role must exist before its first assignment:
// the assignment below names its role by id and waits for it through an explicit dependsOn;
// the server restorer's assignment (restore-assignment.bicep) takes this module's output, so it
// deploys after the module. (Azure replicates a new role definition; in the rare case an
// assignment still reports RoleDefinitionDoesNotExist, provision again: see README.)
var serverRestorerName = guid(subscription().id, postgresResourceGroupName, roleSuffix, 'shiftsync-backup-server-restorer')
var restoreChecksName = guid(subscription().id, roleSuffix, 'shiftsync-backup-restore-checks')
var restoreChecksId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', restoreChecksName)

// The resource group's id, written out: subscriptionResourceId('Microsoft.Resources/resourceGroups', ...)
// gives /subscriptions/<id>/providers/Microsoft.Resources/resourceGroups/<name>, which is not
// the scope an assignment on the group has.
var postgresResourceGroupId = '${subscription().id}/resourceGroups/${postgresResourceGroupName}'

resource serverRestorer 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: serverRestorerName
  properties: {
    roleName: 'ShiftSync Backup server restorer (${roleSuffix})'
    description: 'Read Flexible Servers and create new ones from their backups (point-in-time and geo-restore), and follow the operation. Assigned to the ShiftSync Backup Function App on the server\'s resource group.'
    type: 'CustomRole'
    permissions: [
      {
        actions: concat([
          'Microsoft.DBforPostgreSQL/flexibleServers/read'
          'Microsoft.DBforPostgreSQL/flexibleServers/write'
        ], restoreOperationActions)
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      postgresResourceGroupId
    ]
  }
}

resource restoreChecks 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: restoreChecksName
  properties: {
    roleName: 'ShiftSync Backup restore checks (${roleSuffix})'
    description: 'Check whether a Flexible Server name is free and read the status of Flexible Server operations: the subscription-level calls of a restore.'
    type: 'CustomRole'
    permissions: [
      {
        actions: concat([
          'Microsoft.DBforPostgreSQL/checkNameAvailability/action'
        ], restoreOperationActions)
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      subscription().id
    ]
  }
}

resource restoreChecksAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, restoreChecksId)
  properties: {
    roleDefinitionId: restoreChecksId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
  dependsOn: [
    restoreChecks
  ]
}

// Read by restore-assignment.bicep (main.bicep), which deploys after this module: the server
// restorer role exists before its assignment on the server's resource group.
output serverRestorerRoleId string = serverRestorer.id
