using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Pipelines;

namespace Flujo.Functions.Tests.Support;

public static class TestPipelines
{
    /// <summary>"greet": one echo step; its input must be an object with a non-empty string "name".</summary>
    public static PipelineDefinition Greet() =>
        new PipelineBuilder("greet")
            .InputSchema(JsonNode.Parse("""{"type":"object","required":["name"],"properties":{"name":{"type":"string","minLength":1}}}""")!)
            .Step("hello", "echo")
            .Build();

    /// <summary>"plain": one echo step, no input schema, default input "hi".</summary>
    public static PipelineDefinition Plain() =>
        new PipelineBuilder("plain").DefaultInput(JsonValue.Create("hi")).Step("only", "echo").Build();

    public static PipelineCatalog Catalog() => new PipelineCatalog().Add(Greet()).Add(Plain());
}
