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
    public void Deserialize_ManyDistinctRunsOfOnePipeline_EachGetsItsOwnInputAndTheyShareTheDefinition()
    {
        var pipeline = new PipelineBuilder("distinct").Step("a", "echo").Build();
        // More runs than any bounded cache of inputs would hold, each text read twice (an episode and its replay), the
        // second time from an equal copy of the text (a backend that reads the history from storage).
        var texts = Enumerable.Range(0, 3000)
            .Select(i => FlujoDataConverter.Instance.Serialize(new PipelineRunInput { Pipeline = pipeline, Input = JsonValue.Create($"ticket {i}"), RunKey = $"key{i}" })!)
            .ToList();
        var first = texts.Select(t => (PipelineRunInput)FlujoDataConverter.Instance.Deserialize(t, typeof(PipelineRunInput))!).ToList();
        var replayed = texts.Select(t => (PipelineRunInput)FlujoDataConverter.Instance.Deserialize(new string(t.AsSpan()), typeof(PipelineRunInput))!).ToList();

        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal($"ticket {i}", first[i].Input!.GetValue<string>());
            Assert.Equal($"ticket {i}", replayed[i].Input!.GetValue<string>());
            Assert.Equal($"key{i}", replayed[i].RunKey);
            Assert.Same(first[0].Pipeline, replayed[i].Pipeline);
        }
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
