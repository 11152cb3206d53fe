// The registry of the app's image. No admin user: the Function App pulls with its managed
// identity (AcrPull), azd or `az acr build` push with the deployer's Entra sign-in.

param location string
param tags object

@minLength(5)
@maxLength(50)
param name string

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = registry.name
output id string = registry.id
output loginServer string = registry.properties.loginServer
