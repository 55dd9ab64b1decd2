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

    /// <summary>"review": "draft" echoes the input, then the human step "approve" asks "Approve {{ previous }}?" (schema <see cref="HttpContract.ApprovalSchema"/>).</summary>
    public static PipelineDefinition Review(string name = "review") =>
        new PipelineBuilder(name)
            .Step("draft", "echo")
            .Step(new HumanStepDefinition { Name = "approve", Message = "Approve {{ previous }}?", Schema = JsonNode.Parse(HttpContract.ApprovalSchema) })
            .Build();

    /// <summary>"review-nested": the "review" pipeline as its sub-pipeline step "inner", so the human step waits in a sub-orchestration.</summary>
    public static PipelineDefinition ReviewNested() =>
        new PipelineBuilder("review-nested")
            .Step(new PipelineStepDefinition { Name = "inner", Pipeline = "review", Definition = Review() })
            .Build();

    public static PipelineCatalog Catalog() => new PipelineCatalog().Add(Greet()).Add(Plain());
}
