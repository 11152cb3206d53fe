// One custom role of restore-roles.bicep for the Function App, on one resource group: the
// source reader on the PostgreSQL server's group (the app only reads the source there), the
// restored servers role on the restores group (where point-in-time and geo-restores create their
// server), the drill servers role on the drill group, the restore network role on the group of a
// subnet or private DNS zone a restored server joins.

param principalId string
param roleDefinitionId string

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, roleDefinitionId)
  properties: {
    roleDefinitionId: roleDefinitionId
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
