// Flujo.Functions on Azure: storage (blob, queue, table), a Flex Consumption Function App (.NET 10 isolated) with a
// system-assigned managed identity, Application Insights on Log Analytics. Identity-based connections only: no keys in
// app settings, shared-key access to the storage account is disabled.
targetScope = 'resourceGroup'

@description('Base name of every resource (letters and digits, 3-16 characters).')
@minLength(3)
@maxLength(16)
param appName string = 'flujo${take(uniqueString(resourceGroup().id), 8)}'

@description('Azure region; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Most instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance, in MB (Flex Consumption: 512, 2048 or 4096).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Durable Task hub name; must match host.json (extensions.durableTask.hubName).')
param taskHubName string = 'FlujoHub'

@description('Optional: the name of an existing Azure OpenAI account the chat agent calls through its default connection, with the app\'s managed identity (no key). Empty: no connection is configured.')
param openAIAccountName string = ''

@description('The resource group of that Azure OpenAI account; defaults to this one.')
param openAIResourceGroup string = resourceGroup().name

@description('The deployment the chat agent uses when a step names no model (Flujo__Connections__default__Model).')
param openAIDeploymentName string = ''

var storageAccountName = take(toLower(replace('st${appName}', '-', '')), 24)
var deploymentContainerName = 'app-package'

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: storageAccountName
    location: location
    deploymentContainerName: deploymentContainerName
    queueNames: [
      'flujo-runs'
    ]
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: appName
    location: location
  }
}

// The chat agent's default connection: the Azure OpenAI account's endpoint, called with the app's managed identity
// (UseManagedIdentity=true: DefaultAzureCredential), so the app settings carry no key; the identity gets the role
// 'Cognitive Services OpenAI User' on the account.
resource openAIAccount 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = if (!empty(openAIAccountName)) {
  name: openAIAccountName
  scope: resourceGroup(openAIResourceGroup)
}

module openAI 'modules/openai.bicep' = if (!empty(openAIAccountName)) {
  name: 'openai'
  scope: resourceGroup(openAIResourceGroup)
  params: {
    accountName: openAIAccountName
    principalId: functionApp.outputs.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: appName
    location: location
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    taskHubName: taskHubName
    openAIEndpoint: empty(openAIAccountName) ? '' : openAIAccount!.properties.endpoint
    openAIDeploymentName: openAIDeploymentName
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    principalId: functionApp.outputs.principalId
  }
}

@description('The Function App\'s name (for func publish / az functionapp deployment).')
output functionAppName string = functionApp.outputs.name

@description('The app\'s base URL; the API is under /api.')
output functionAppUrl string = 'https://${functionApp.outputs.defaultHostName}'

output storageAccountName string = storage.outputs.name

@description('The Azure OpenAI endpoint of the default chat connection (empty when none was given).')
output openAIEndpoint string = empty(openAIAccountName) ? '' : openAIAccount!.properties.endpoint
