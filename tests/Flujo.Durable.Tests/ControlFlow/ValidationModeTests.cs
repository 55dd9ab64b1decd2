using Flujo.Definition;
using Flujo.Durable.Tests.Support;
using Flujo.Results;
using Flujo.Validators;
using static Flujo.Durable.Tests.Support.Steps;

namespace Flujo.Durable.Tests.ControlFlow;

/// <summary>SEMANTICS §2 non-strict validators, on the real in-memory engine.</summary>
public sealed class ValidationModeTests
{
    private static AgentStepDefinition Checked(ValidationMode? mode, string? fallback = null)
    {
        var step = Agent("write", "writer");
        step.Validators.Add(new ComponentReference("min-length"));
        if (mode is { } m) step.Validation = m;
        step.Fallback = fallback;
        return step;
    }

    private static EngineHarness Harness(AgentScript next, AgentScript? rescue = null)
    {
        var harness = new EngineHarness();
        harness.Agent("writer", AgentScript.Returns("short"))
            .Agent("next", next)
            .Validator("min-length", output => output.Text()!.Length >= 10 ? ValidationResult.Valid() : ValidationResult.Invalid("too short"));
        if (rescue is not null) harness.Agent("rescue", rescue);
        return harness;
    }

    [Fact]
    public async Task NonStrict_ValidatorRejects_StepSucceedsWithItsOutputAndTheFindingsInMetadata()
    {
        var next = AgentScript.Echo();
        await using var harness = Harness(next);

        var result = await harness.RunAsync(Pipeline("v", Checked(ValidationMode.NonStrict), Agent("next", "next")), "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.StepHistory[0];
        Assert.True(step.Success);
        Assert.Equal("short", step.Output.Text());
        Assert.Null(step.Feedback);
        Assert.False(step.Metadata[MetadataKeys.ValidationPassed]!.GetValue<bool>());
        Assert.Contains("too short", step.Metadata[MetadataKeys.ValidationErrors]!.ToJsonString());
        Assert.Equal("short", next.Requests.Single().Input.Text());
    }

    [Fact]
    public async Task NonStrict_ValidatorRejects_NoFallbackRuns()
    {
        var rescue = AgentScript.Returns("rescued output");
        await using var harness = Harness(AgentScript.Echo(), rescue);
        var pipeline = Pipeline("v", Checked(ValidationMode.NonStrict, fallback: "rescue"));
        pipeline.Fallbacks.Add(Agent("rescue", "rescue"));

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("short", result.Output.Text());
        Assert.Equal(0, rescue.Calls);
    }

    [Fact]
    public async Task StrictIsTheDefault_ValidatorRejects_StepFailsKeepingItsOutput()
    {
        Assert.Equal(ValidationMode.Strict, new AgentStepDefinition().Validation);
        var next = AgentScript.Echo();
        await using var harness = Harness(next);

        var result = await harness.RunAsync(Pipeline("v", Checked(mode: null), Agent("next", "next")), "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = Assert.Single(result.StepHistory);
        Assert.False(step.Success);
        Assert.Equal("short", step.Output.Text());
        Assert.StartsWith("Validation failed:", step.Feedback);
        Assert.Contains("too short", step.Feedback);
        Assert.False(step.Metadata.ContainsKey(MetadataKeys.ValidationPassed));
        Assert.Equal(0, next.Calls);
    }
}
