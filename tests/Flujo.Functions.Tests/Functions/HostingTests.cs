using Flujo.Definition;
using Flujo.Functions.Hosting;
using Flujo.Pipelines;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Functions.Tests.Functions;

public sealed class HostingTests
{
    [Fact]
    public void ShippedPipelinesFolder_LoadsWithBuiltIns()
    {
        using var services = new ServiceCollection().AddFlujo().BuildServiceProvider();
        var folder = PipelineFolder.Resolve(null, AppContext.BaseDirectory);

        var catalog = PipelineFolder.Load(folder, new PipelineCatalog(), services.GetRequiredService<IComponentCatalog>());

        var greeting = catalog.Find("greeting");
        Assert.NotNull(greeting);
        Assert.Equal(["greet", "shout"], greeting.Steps.Select(s => s.Name));
        Assert.NotNull(greeting.InputSchema);
    }

    [Fact]
    public void PipelineFolder_InvalidFile_FailsStartupNamingTheFile()
    {
        var folder = Directory.CreateTempSubdirectory("flujo-pipelines-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "broken.yaml"), "name: broken\nsteps: 3\n");
            using var services = new ServiceCollection().AddFlujo().BuildServiceProvider();

            var ex = Assert.Throws<PipelineDefinitionException>(() =>
                PipelineFolder.Load(folder.FullName, new PipelineCatalog(), services.GetRequiredService<IComponentCatalog>()));

            Assert.Contains("broken.yaml", ex.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void OrchestratorMap_FindsFunctionsMarkedWithFlujoPipeline()
    {
        var map = PipelineOrchestratorMap.FromAssemblies(typeof(HostingTests).Assembly);

        Assert.Equal("ResearchPipeline", map.OrchestratorFor(new PipelineDefinition { Name = "research" }).Name);
        Assert.Equal("FlujoPipeline", map.OrchestratorFor(new PipelineDefinition { Name = "other" }).Name);
    }

    /// <summary>The one line docs/azure-functions.md shows.</summary>
    public static class ResearchFunctions
    {
        [Function("ResearchPipeline"), FlujoPipeline("research")] public static Task<PipelineResult> Research([OrchestrationTrigger] TaskOrchestrationContext context) => FlujoOrchestration.RunAsync(context);
    }
}
