using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Json;

namespace Flujo.Core.Tests.Definition;

/// <summary>The JSON form of a definition (run inputs, attempt requests): compact, and it reads back to the same model.</summary>
public sealed class DefinitionJsonTests
{
    [Fact]
    public void PlainStep_LeavesOutEmptyListsParametersAndFalseFlags()
    {
        var pipeline = new PipelineBuilder("p").Step("one", "echo").Build();

        var json = JsonSerializer.Serialize(pipeline, FlujoJson.Options);

        Assert.DoesNotContain("promptProcessors", json);
        Assert.DoesNotContain("validators", json);
        Assert.DoesNotContain("plugins", json);
        Assert.DoesNotContain("parameters", json);
        Assert.DoesNotContain("fallbacks", json);
        Assert.DoesNotContain("updatesContext", json);
        Assert.DoesNotContain("preserveFallbackDiagnostics", json);
        Assert.DoesNotContain("null", json);
    }

    [Fact]
    public void RoundTrip_KeepsEveryConfiguredPart_AndGivesBackEmptyOnes()
    {
        var pipeline = new PipelineBuilder("p")
            .Step("one", "echo", s => s
                .Parameters(new JsonObject { ["mode"] = "loud" })
                .PromptProcessor("trim")
                .Plugin("p1", priority: 3, new JsonObject { ["x"] = 1 })
                .Validator("max_length", new JsonObject { ["max"] = 10 })
                .UpdatesContext()
                .PreserveFallbackDiagnostics()
                .Cache(TimeSpan.FromMinutes(5)))
            .Step("two", "echo")
            .Build();

        var json = JsonSerializer.Serialize(pipeline, FlujoJson.Options);
        var back = JsonSerializer.Deserialize<PipelineDefinition>(json, FlujoJson.Options)!;

        var one = Assert.IsType<AgentStepDefinition>(back.Steps[0]);
        Assert.Equal("loud", one.Agent.Parameters["mode"]!.GetValue<string>());
        Assert.Equal("trim", Assert.Single(one.PromptProcessors).Name);
        Assert.Equal(3, Assert.Single(one.Plugins).Priority);
        Assert.Equal(10, Assert.Single(one.Validators).Parameters["max"]!.GetValue<int>());
        Assert.True(one.UpdatesContext);
        Assert.True(one.PreserveFallbackDiagnostics);
        Assert.True(one.Cache!.Enabled);

        var two = Assert.IsType<AgentStepDefinition>(back.Steps[1]);
        Assert.Empty(two.PromptProcessors);
        Assert.Empty(two.OutputProcessors);
        Assert.Empty(two.Plugins);
        Assert.Empty(two.Validators);
        Assert.Empty(two.Agent.Parameters);
        Assert.False(two.UpdatesContext);
        Assert.Empty(back.Fallbacks);
        Assert.Equal(json, JsonSerializer.Serialize(back, FlujoJson.Options));
    }
}
