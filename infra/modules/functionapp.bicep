// A Flex Consumption Function App (.NET 10 isolated worker) with a system-assigned managed identity and identity-based
// connections: AzureWebJobsStorage__* name the account, no connection strings or keys.
param name string
param location string
param storageAccountName string
param blobEndpoint string
param deploymentContainerName string
param appInsightsConnectionString string
param maximumInstanceCount int
param instanceMemoryMB int
param taskHubName string
@description('Azure OpenAI endpoint of the chat agent\'s default connection; empty: none.')
param openAIEndpoint string = ''
@description('Its deployment used when a step names no model.')
param openAIDeploymentName string = ''

// Flujo__Connections__default__*: the chat agent's default connection, with the managed identity (no key in settings).
var chatSettings = empty(openAIEndpoint) ? [] : concat([
  {
    name: 'Flujo__Connections__default__Provider'
    value: 'azure-openai'
  }
  {
    name: 'Flujo__Connections__default__Endpoint'
    value: openAIEndpoint
  }
  {
    name: 'Flujo__Connections__default__UseManagedIdentity'
    value: 'true'
  }
], empty(openAIDeploymentName) ? [] : [
  {
    name: 'Flujo__Connections__default__Model'
    value: openAIDeploymentName
  }
])

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        // Host storage, Durable Functions task hub and the flujo-runs queue trigger, all through the managed identity.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storageAccountName
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsightsConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'Authorization=AAD'
        }
        {
          name: 'AzureFunctionsJobHost__extensions__durableTask__hubName'
          value: taskHubName
        }
        {
          name: 'Flujo__PipelinesPath'
          value: 'pipelines'
        }
      ], chatSettings)
    }
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
output principalId string = app.identity.principalId
