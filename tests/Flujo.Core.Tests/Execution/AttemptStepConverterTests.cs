using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Definition;
using Flujo.Definition.Building;
using Flujo.Execution;
using Flujo.Json;

namespace Flujo.Core.Tests.Execution;

/// <summary>
/// An attempt request carries its step definition: a frozen definition (a run's, which nothing changes) is written once
/// and reused; a definition its owner may still change is written afresh every time.
/// </summary>
public sealed class AttemptStepConverterTests
{
    private static AgentStepDefinition Step(string name) =>
        (AgentStepDefinition)new PipelineBuilder("p").Step(name, "echo").Build().Steps[0];

    private static StepAttemptRequest Request(AgentStepDefinition step, string input) =>
        new() { RunId = "run", Step = step, Input = JsonValue.Create(input), Attempt = 1 };

    private static string Json(StepAttemptRequest request) => JsonSerializer.Serialize(request, FlujoJson.Options);

    [Fact]
    public void FrozenStep_WritesTheSameJsonAsAnUnfrozenOne_AndReadsBackTheSameStep()
    {
        var plain = Step("summarize");
        plain.MaxRetries = 3;
        var frozen = Step("summarize");
        frozen.MaxRetries = 3;
        AttemptStepConverter.Freeze(frozen);

        // Twice: the second request reuses the JSON the first one wrote.
        foreach (var input in new[] { "first", "second" })
        {
            var expected = Json(Request(plain, input));
            var written = Json(Request(frozen, input));
            Assert.Equal(expected, written);

            var read = JsonSerializer.Deserialize<StepAttemptRequest>(written, FlujoJson.Options)!;
            Assert.Equal("summarize", read.Step.Name);
            Assert.Equal("echo", read.Step.Agent.Name);
            Assert.Equal(3, read.Step.MaxRetries);
            Assert.Equal(input, read.Input!.GetValue<string>());
        }
    }

    [Fact]
    public void UnfrozenStep_ChangedBetweenRequests_SendsItsChange()
    {
        var step = Step("draft");
        var before = JsonSerializer.Deserialize<StepAttemptRequest>(Json(Request(step, "x")), FlujoJson.Options)!;

        step.MaxRetries = 5;
        var after = JsonSerializer.Deserialize<StepAttemptRequest>(Json(Request(step, "x")), FlujoJson.Options)!;

        Assert.NotEqual(5, before.Step.MaxRetries);
        Assert.Equal(5, after.Step.MaxRetries);
    }

    [Fact]
    public void FrozenStep_WrittenWithOtherOptions_IsWrittenWithThoseOptions()
    {
        var step = Step("classify");
        AttemptStepConverter.Freeze(step);
        _ = Json(Request(step, "x"));

        // Property names as declared: the JSON cached with the engine's (camelCase) options must not be reused.
        var pascal = new JsonSerializerOptions(FlujoJson.Options) { PropertyNamingPolicy = null };
        var written = JsonNode.Parse(JsonSerializer.Serialize(Request(step, "x"), pascal))!;

        var expected = JsonNode.Parse(JsonSerializer.Serialize(Request(Step("classify"), "x"), pascal))!;
        Assert.True(JsonNode.DeepEquals(expected, written), written.ToJsonString());
        Assert.NotNull(written["Step"]?["Agent"]);
    }
}
