using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Functions.Tests.Support;
using Flujo.Pipelines;

namespace Flujo.Dashboard.Tests.Support;

/// <summary>The pipelines the dashboard tests run on the in-process server.</summary>
public static class DashboardPipelines
{
    /// <summary>"gated": "prepare" echoes the input, "work" waits until the test releases that input (<see cref="Flujo.Cli.Tests.Serve.GateAgent"/>), "finish" echoes.</summary>
    public static PipelineDefinition Gated() =>
        new PipelineBuilder("gated")
            .Step("prepare", "echo")
            .Step("work", Flujo.Cli.Tests.Serve.GateAgent.Name)
            .Step("finish", "echo")
            .Build();

    /// <summary>"flaky": "extract" fails its first attempt and succeeds on the retry; "classify" always fails and its fallback "classify-backup" answers.</summary>
    public static PipelineDefinition Flaky() =>
        new PipelineBuilder("flaky")
            .Step("extract", "fail", s => s.Parameters(new JsonObject { ["failTimes"] = 1, ["message"] = "extract: no JSON found" }).MaxRetries(2))
            .Step("classify", "fail", s => s.Parameters(new JsonObject { ["message"] = "classifier offline" }).MaxRetries(0).Fallback("classify-backup"))
            .FallbackStep("classify-backup", "echo")
            .Build();

    /// <summary>The schema of "approval"'s human step: a boolean, a string of at least 2 characters, an enum and an integer.</summary>
    public const string ApprovalSchema = """
        {"type":"object","required":["approved","reviewer"],"properties":{
          "approved":{"type":"boolean","title":"Approved"},
          "reviewer":{"type":"string","minLength":2,"description":"Your name"},
          "priority":{"enum":["low","high"]},
          "score":{"type":"integer","minimum":0}}}
        """;

    /// <summary>"approval": "draft" echoes the input, then "approve" asks "Approve {{ previous }}?" with <see cref="ApprovalSchema"/>.</summary>
    public static PipelineDefinition Approval() =>
        new PipelineBuilder("approval")
            .Step("draft", "echo")
            .Human("approve", h => h.Message("Approve {{ previous }}?").Schema(JsonNode.Parse(ApprovalSchema)!))
            .Build();

    /// <summary>"freeform": a human step whose schema (a non-empty list of strings) has no generated form: answered as raw JSON.</summary>
    public static PipelineDefinition Freeform() =>
        new PipelineBuilder("freeform")
            .Human("tags", h => h.Message("Which tags apply?").Schema(JsonNode.Parse("""{"type":"array","items":{"type":"string"},"minItems":1}""")!))
            .Build();

    /// <summary>"bulk": one echo step, for the 1,000-run list.</summary>
    public static PipelineDefinition Bulk() => new PipelineBuilder("bulk").DefaultInput(JsonValue.Create("x")).Step("only", "echo").Build();

    public static PipelineCatalog Catalog() =>
        TestPipelines.Catalog().Add(Gated()).Add(Flaky()).Add(Approval()).Add(Bulk()).Add(Freeform()).Add(TestPipelines.ReviewNested());
}
