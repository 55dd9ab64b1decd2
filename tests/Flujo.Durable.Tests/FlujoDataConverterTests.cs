using System.Text.Json.Nodes;
using Flujo.Definition.Building;
using Flujo.Durable.Orchestration;
using Flujo.Durable.Serialization;

namespace Flujo.Durable.Tests;

public sealed class FlujoDataConverterTests
{
    [Fact]
    public void Deserialize_SameRunInputTwice_SharesThePipelineButNotTheRunsInputOrContext()
    {
        var pipeline = new PipelineBuilder("shared").Step("a", "echo").Build();
        var text = FlujoDataConverter.Instance.Serialize(new PipelineRunInput
        {
            Pipeline = pipeline,
            Input = new JsonObject { ["n"] = 1 },
            Context = new JsonObject { ["k"] = "v" },
        })!;

        var first = (PipelineRunInput)FlujoDataConverter.Instance.Deserialize(text, typeof(PipelineRunInput))!;
        var second = (PipelineRunInput)FlujoDataConverter.Instance.Deserialize(text, typeof(PipelineRunInput))!;
        first.Input!["n"] = 2;
        first.Context!["k"] = "changed";

        Assert.Same(first.Pipeline, second.Pipeline);
        Assert.Equal(1, second.Input!["n"]!.GetValue<int>());
        Assert.Equal("v", second.Context!["k"]!.GetValue<string>());
        Assert.Equal("a", second.Pipeline.Steps.Single().Name);
    }

    [Fact]
    public void Serialize_WritesPlainJsonWithFlujoNames()
    {
        var text = FlujoDataConverter.Instance.Serialize(new PipelineRunInput { Pipeline = new PipelineBuilder("p").Step("a", "echo").Build() })!;

        var json = JsonNode.Parse(text)!;
        Assert.Equal("p", json["pipeline"]!["name"]!.GetValue<string>());
        Assert.Equal("agent", json["pipeline"]!["steps"]![0]!["kind"]!.GetValue<string>());
    }
}
