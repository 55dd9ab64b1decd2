using Azure.Core.Serialization;
using Flujo.Api;
using Flujo.Functions.Hosting;
using Flujo.Json;
using Flujo.Pipelines;
using Flujo.Registration;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();

// One JSON shape everywhere: orchestration inputs, outputs and custom status are stored as Flujo's plain JSON,
// so RunSnapshotReader (and the Durable Functions monitor) read them the same way on every host.
builder.Services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(FlujoJson.Options));

builder.Services.AddFlujo();
builder.Services.AddFlujoStepCache(builder.Configuration);
builder.Services.AddFlujoAttemptRecords(builder.Configuration);
// The chat agent over the connections of Flujo:Connections:<name> (app settings Flujo__Connections__default__Endpoint, ...;
// keys from app settings or Key Vault references, or managed identity for Azure OpenAI): never from a pipeline file.
builder.Services.AddFlujoChat(builder.Configuration);
// Register your own agents, processors, plugins and validators here, e.g. builder.Services.AddFlujoAgent<MyAgent>("my-agent");
// Lifecycle hooks (docs/hooks.md) too: builder.Services.AddFlujoHook<MyHook>(); runs started by this app then call them.

builder.Services.AddSingleton(PipelineOrchestratorMap.FromAssemblies(typeof(Program).Assembly));
builder.Services.AddSingleton<FunctionsRunClientFactory>();
builder.Services.AddSingleton(FlujoApiOptions.Default);
builder.Services.AddSingleton<IPipelineCatalog>(services =>
{
    var folder = PipelineFolder.Resolve(builder.Configuration[PipelineFolder.PathSetting], AppContext.BaseDirectory);
    var catalog = new PipelineCatalog();
    // Pipelines built in C# go here too: catalog.Add(new PipelineBuilder("research")...Build());
    return PipelineFolder.Load(folder, catalog, services.GetRequiredService<IComponentCatalog>());
});

builder.Build().Run();
