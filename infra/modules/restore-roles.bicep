// Point-in-time and geo-restores create a new Flexible Server through Resource Manager, then
// make it ready to use; recovery drills do the same in a group of their own and delete the
// server at the end. No built-in role fits without granting far more (Contributor; there is no
// PostgreSQL-only contributor role), so custom roles hold exactly the actions the app calls
// (names as in Azure's "resource provider operations" list, Microsoft.DBforPostgreSQL and
// Microsoft.Network). The server being backed up is only ever read: restored servers land in a
// restores group of their own (RESTORE_RESOURCE_GROUP), so that whoever holds the app's
// identity can neither write, restart nor delete the production server, nor open its firewall.
// A restore is a PUT in the restores group whose sourceServerResourceId names the server in its
// own group: Azure allows a restore into another resource group of the subscription (Microsoft
// Learn, "Cross subscription and cross resource group restore", Azure Database for PostgreSQL
// flexible server; az postgres flexible-server restore takes the source as a resource id).
//
// 1. source reader, on the server's resource group (source-assignment in main.bicep), read only:
//      flexibleServers/read    read the source (earliest restore point, geo-redundancy, region,
//                              network, high availability); list the group's servers
//      flexibleServers/firewallRules/read, /configurations/read
//                              the source's rules and parameters, which the completion copies
//      flexibleServers/backups/read    the fast restore point (newest full backup)
//      flexibleServers/replicas/read   follow-ups: the source's read replicas
//    No write, no restart, no delete: nothing here changes the server being backed up.
// 2. restored servers, on the restores group only (RESTORE_RESOURCE_GROUP, never the server's
//    group: main.bicep refuses it):
//      flexibleServers/read, /write    the PUT with createMode PointInTimeRestore / GeoRestore;
//                                      the new server's state and host name
//      flexibleServers/firewallRules/read, /write, /configurations/read, /write
//                              write the source's rules and parameter overrides on the new
//                              server (PATCH)
//      flexibleServers/restart/action  restart the new server, only when the request asked for it
//      locations/azureAsyncOperation/read, locations/operationResults/read
//                              follow the operation (Azure-AsyncOperation / Location URLs)
//    No delete: a restore never removes a server, and neither can the app in this group.
// 3. drill servers, on the drill group only (DRILL_RESOURCE_GROUP, never the server's group:
//    main.bicep refuses it): the restored servers' writes on the new server (write, firewall
//    rules, parameters, restart), reading and listing the group's servers (the sweeper),
//    following operations, and flexibleServers/delete: the drill deletes its server, the sweeper
//    one left behind. The source is read through role 1.
// 4. restore checks, on the subscription (assigned here), because these are subscription-level
//    calls:
//      checkNameAvailability/action   POST /subscriptions/{id}/providers/Microsoft.DBforPostgreSQL/checkNameAvailability
//      locations/azureAsyncOperation/read, locations/operationResults/read
//                              the operation URLs live under /subscriptions/{id}/providers/...
//    These reveal only whether a server name is taken and an operation's status.
// 5. restore network, on the resource group of each delegated subnet and private DNS zone a
//    private-access server is restored into (the source's own, GEO_RESTORE_SUBNET_ID's and
//    GEO_RESTORE_PRIVATE_DNS_ZONE_ID's), only when there is one: joining the subnet and the zone
//    is checked on the caller of the create.
//      Microsoft.Network/virtualNetworks/subnets/read, /join/action
//      Microsoft.Network/privateDnsZones/read, /join/action
// Nothing here can read data, nothing can write the server's group, and nothing but role 3 can
// delete a server.
targetScope = 'subscription'

param principalId string
param postgresResourceGroupName string

@description('RESTORE_RESOURCE_GROUP: the only group where role 2 is assignable.')
param restoreResourceGroupName string

@description('DRILL_RESOURCE_GROUP: the only group where role 2 is assignable.')
param drillResourceGroupName string

@description('Ids (/subscriptions/<id>/resourceGroups/<name>) of the groups holding the subnets and private DNS zones restores join; empty: none.')
param networkResourceGroupIds array

@description('Makes the role names unique in the tenant.')
param roleSuffix string

var restoreOperationActions = [
  'Microsoft.DBforPostgreSQL/locations/azureAsyncOperation/read'
  'Microsoft.DBforPostgreSQL/locations/operationResults/read'
]

// What the completion writes on a new server (a restored one, or a drill's): Azure copies
// neither firewall rules nor server parameters.
var completionActions = [
  'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read'
  'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/write'
  'Microsoft.DBforPostgreSQL/flexibleServers/configurations/read'
  'Microsoft.DBforPostgreSQL/flexibleServers/configurations/write'
  'Microsoft.DBforPostgreSQL/flexibleServers/restart/action'
]

// The roles' names (guids) and ids. A new custom role must exist before its first assignment:
// the assignment below names its role by id and waits for it through an explicit dependsOn;
// the assignments on resource groups (restore-assignment.bicep) take this module's outputs, so
// they deploy after the module. (Azure replicates a new role definition; in the rare case an
// assignment still reports RoleDefinitionDoesNotExist, provision again: see README.)
// (Before the restores group, one "server restorer" role wrote in the server's group; README,
// "Roles", says how to remove it from a deployment made then. These roles have names of their own.)
var sourceReaderName = guid(subscription().id, postgresResourceGroupName, roleSuffix, 'shiftsync-backup-source-reader')
var restoredServersName = guid(subscription().id, restoreResourceGroupName, roleSuffix, 'shiftsync-backup-restored-servers')
var drillServersName = guid(subscription().id, drillResourceGroupName, roleSuffix, 'shiftsync-backup-drill-servers')
var restoreNetworkName = guid(subscription().id, roleSuffix, 'shiftsync-backup-restore-network')
var restoreChecksName = guid(subscription().id, roleSuffix, 'shiftsync-backup-restore-checks')
var restoreChecksId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', restoreChecksName)

// The resource groups' ids, written out: subscriptionResourceId('Microsoft.Resources/resourceGroups', ...)
// gives /subscriptions/<id>/providers/Microsoft.Resources/resourceGroups/<name>, which is not
// the scope an assignment on the group has.
var postgresResourceGroupId = '${subscription().id}/resourceGroups/${postgresResourceGroupName}'
var restoreResourceGroupId = '${subscription().id}/resourceGroups/${restoreResourceGroupName}'
var drillResourceGroupId = '${subscription().id}/resourceGroups/${drillResourceGroupName}'

resource sourceReader 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: sourceReaderName
  properties: {
    roleName: 'ShiftSync Backup source reader (${roleSuffix})'
    description: 'Read the Flexible Server being backed up: the server, its firewall rules, parameters, backups and read replicas. Nothing else: no write, no restart, no delete. Assigned to the ShiftSync Backup Function App on the server\'s resource group.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.DBforPostgreSQL/flexibleServers/read'
          'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules/read'
          'Microsoft.DBforPostgreSQL/flexibleServers/configurations/read'
          'Microsoft.DBforPostgreSQL/flexibleServers/backups/read'
          'Microsoft.DBforPostgreSQL/flexibleServers/replicas/read'
        ]
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

resource restoredServers 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: restoredServersName
  properties: {
    roleName: 'ShiftSync Backup restored servers (${roleSuffix})'
    description: 'Create Flexible Servers from the backups of another (point-in-time and geo-restore), copy firewall rules and server parameters to them, restart them, and follow the operation. No delete. Assignable only to the restores resource group.'
    type: 'CustomRole'
    permissions: [
      {
        actions: concat([
          'Microsoft.DBforPostgreSQL/flexibleServers/read'
          'Microsoft.DBforPostgreSQL/flexibleServers/write'
        ], completionActions, restoreOperationActions)
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      restoreResourceGroupId
    ]
  }
}

resource drillServers 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: drillServersName
  properties: {
    roleName: 'ShiftSync Backup drill servers (${roleSuffix})'
    description: 'Create temporary Flexible Servers from a backup for recovery drills, make them ready as a restore is, list, read and delete them. Assignable only to the drill resource group, which holds nothing but drill servers.'
    type: 'CustomRole'
    permissions: [
      {
        actions: concat([
          'Microsoft.DBforPostgreSQL/flexibleServers/read'
          'Microsoft.DBforPostgreSQL/flexibleServers/write'
          'Microsoft.DBforPostgreSQL/flexibleServers/delete'
        ], completionActions, restoreOperationActions)
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [
      drillResourceGroupId
    ]
  }
}

resource restoreNetwork 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (!empty(networkResourceGroupIds)) {
  name: restoreNetworkName
  properties: {
    roleName: 'ShiftSync Backup restore network (${roleSuffix})'
    description: 'Join a restored private-access Flexible Server to its delegated subnet and private DNS zone. Assigned to the ShiftSync Backup Function App on the groups of those subnets and zones.'
    type: 'CustomRole'
    permissions: [
      {
        actions: [
          'Microsoft.Network/virtualNetworks/subnets/read'
          'Microsoft.Network/virtualNetworks/subnets/join/action'
          'Microsoft.Network/privateDnsZones/read'
          'Microsoft.Network/privateDnsZones/join/action'
        ]
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: networkResourceGroupIds
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

// Read by the assignments on resource groups (restore-assignment.bicep, from main.bicep), which
// deploy after this module: each role exists before its first assignment.
output sourceReaderRoleId string = sourceReader.id
output restoredServersRoleId string = restoredServers.id
output drillServersRoleId string = drillServers.id
output restoreNetworkRoleId string = empty(networkResourceGroupIds) ? '' : restoreNetwork.id
