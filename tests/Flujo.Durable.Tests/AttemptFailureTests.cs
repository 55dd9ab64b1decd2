using Flujo.Agents;
using Flujo.Definition.Building;
using Flujo.Durable.Tests.Support;
using Flujo.Plugins;
using Flujo.Results;
using Flujo.Validators;

namespace Flujo.Durable.Tests;

/// <summary>SEMANTICS §2: how plugins, validators and processors fail an attempt, and which failures retry or fall back.</summary>
public sealed class AttemptFailureTests
{
    [Fact]
    public async Task PluginFailsOnceThenPasses_SecondAttemptInputCarriesThePluginFeedback()
    {
        await using var harness = new EngineHarness();
        var writer = new AgentScript((request, call, _) => Task.FromResult(AgentResponse.Text($"draft {call}")));
        harness.Agent("writer", writer)
            .Plugin("editor", c => c.Attempt == 1 ? PluginResult.Fail("too vague, name the animal") : PluginResult.Pass());
        var pipeline = new PipelineBuilder("feedback-loop")
            .Step("write", "writer", s => s.Plugin("editor").MaxRetries(2))
            .Build();

        var result = await harness.RunAsync(pipeline, "write about cats");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal("draft 2", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        Assert.Equal(2, writer.Calls);
        Assert.Equal("write about cats", writer.Requests[0].Input.Text());
        Assert.Null(writer.Requests[0].Feedback);
        Assert.StartsWith("write about cats", writer.Requests[1].Input.Text());
        Assert.Contains("too vague, name the animal", writer.Requests[1].Input.Text());
        Assert.Equal("too vague, name the animal", writer.Requests[1].Feedback);
    }

    [Fact]
    public async Task PluginAlwaysFails_NoFallback_StepFailsWithPluginFeedback_AfterAllRetries()
    {
        await using var harness = new EngineHarness();
        var writer = AgentScript.Returns("a very long answer");
        harness.Agent("writer", writer).Plugin("short", _ => PluginResult.Fail("longer than 5 characters"));
        var pipeline = new PipelineBuilder("plugin-fails").Step("write", "writer", s => s.Plugin("short").MaxRetries(2)).Build();

        var result = await harness.RunAsync(pipeline, "go");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Null(step.Output);
        Assert.Equal(3, step.Attempts);
        Assert.Equal("Plugin validation failed: longer than 5 characters", step.Feedback);
        Assert.Equal(3, writer.Calls);
    }

    [Fact]
    public async Task ValidatorInvalid_WithFallback_FallsBackAtOnce_PrimaryCalledOnce()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("no sources here");
        var backup = AgentScript.Returns("answer [1]");
        harness.Agent("primary", primary).Agent("backup", backup)
            .Validator("has_citation", o => o.Text()!.Contains('[') ? ValidationResult.Valid() : ValidationResult.Invalid("no citation"));
        var pipeline = new PipelineBuilder("validator-fallback")
            .Step("answer", "primary", s => s.Validator("has_citation").MaxRetries(3).Fallback("cited"))
            .FallbackStep("cited", "backup", s => s.Validator("has_citation"))
            .Build();

        var result = await harness.RunAsync(pipeline, "question");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("answer", step.Name);
        Assert.True(step.Success);
        Assert.Equal("answer [1]", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        Assert.Equal(1, primary.Calls);
        Assert.Equal(1, backup.Calls);
        Assert.Equal("true", step.Meta(MetadataKeys.FallbackTriggered));
        Assert.Equal("cited", step.Meta(MetadataKeys.FallbackStep));
        Assert.Equal("Validation failed: has_citation: no citation", step.Meta(MetadataKeys.OriginalError));
        Assert.Null(step.Feedback);
    }

    [Fact]
    public async Task ValidatorInvalid_NoFallback_FailsWithoutRetry_KeepingTheOutput()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("no sources here");
        harness.Agent("primary", primary)
            .Validator("has_citation", _ => ValidationResult.Invalid("no citation"));
        var pipeline = new PipelineBuilder("validator-fails").Step("answer", "primary", s => s.Validator("has_citation").MaxRetries(3)).Build();

        var result = await harness.RunAsync(pipeline, "question");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Equal("no sources here", step.Output.Text());
        Assert.Equal("Validation failed: has_citation: no citation", step.Feedback);
        Assert.Equal(1, step.Attempts);
        Assert.Equal(1, primary.Calls);
        Assert.Empty(step.Metadata);
    }

    [Fact]
    public async Task PromptProcessorThrows_WithFallback_StepFails_NoRetry_FallbackNeverCalled()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("never");
        var backup = AgentScript.Returns("never either");
        harness.Agent("primary", primary).Agent("backup", backup)
            .Processor("redact", _ => throw new FormatException("input is not redactable"));
        var pipeline = new PipelineBuilder("prompt-processor")
            .Step("answer", "primary", s => s.PromptProcessor("redact").MaxRetries(3).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup")
            .Build();

        var result = await harness.RunAsync(pipeline, "question");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.False(step.Success);
        Assert.Null(step.Output);
        Assert.Equal(1, step.Attempts);
        Assert.Equal("Agent execution failed: input is not redactable", step.Feedback);
        Assert.Equal(0, primary.Calls);
        Assert.Equal(0, backup.Calls);
        Assert.False(step.Metadata.ContainsKey(MetadataKeys.FallbackTriggered));
    }

    [Fact]
    public async Task OutputProcessorThrows_IsRetried_ThenFallsBack_OriginalErrorNamesTheProcessorError()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("not json");
        var backup = AgentScript.Returns("{\"ok\":true}");
        harness.Agent("primary", primary).Agent("backup", backup)
            .Processor("parse", _ => throw new InvalidDataException("output is not JSON"));
        var pipeline = new PipelineBuilder("output-processor")
            .Step("answer", "primary", s => s.OutputProcessor("parse").MaxRetries(1).Fallback("answer_backup"))
            .FallbackStep("answer_backup", "backup")
            .Build();

        var result = await harness.RunAsync(pipeline, "question");

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal("{\"ok\":true}", step.Output.Text());
        Assert.Equal(3, step.Attempts);
        Assert.Equal(2, primary.Calls);
        Assert.Equal(1, backup.Calls);
        Assert.Equal("true", step.Meta(MetadataKeys.FallbackTriggered));
        Assert.Equal("Processor failed: output is not JSON", step.Meta(MetadataKeys.OriginalError));
    }

    [Fact]
    public async Task OutputProcessorThrows_NoFallback_FailsWithProcessorFailed()
    {
        await using var harness = new EngineHarness();
        var primary = AgentScript.Returns("not json");
        harness.Agent("primary", primary).Processor("parse", _ => throw new InvalidDataException("output is not JSON"));
        var pipeline = new PipelineBuilder("output-processor-fails").Step("answer", "primary", s => s.OutputProcessor("parse").MaxRetries(1)).Build();

        var result = await harness.RunAsync(pipeline, "question");

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(2, step.Attempts);
        Assert.Equal("Processor failed: output is not JSON", step.Feedback);
        Assert.Equal(2, primary.Calls);
    }
}
