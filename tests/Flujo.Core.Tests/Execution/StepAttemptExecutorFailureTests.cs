using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Execution;
using Flujo.Plugins;
using Flujo.Registration;
using Flujo.Results;
using Flujo.Validators;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Core.Tests.Execution;

/// <summary>Each failure row of the SEMANTICS §2 table: status, exact feedback, retry and fallback eligibility.</summary>
public sealed class StepAttemptExecutorFailureTests
{
    [Fact]
    public async Task Execute_PromptProcessorThrows_FailsWithoutRetryOrFallbackEligibility()
    {
        var agentCalled = false;
        var executor = new ServiceCollection()
            .AddFlujoProcessor("bad", _ => new FuncProcessor((_, _) => throw new FormatException("input is not a date")))
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => { agentCalled = true; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), PromptProcessors = [new("bad")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PromptProcessorFailed, outcome.Status);
        Assert.Equal("Agent execution failed: input is not a date", outcome.Feedback);
        Assert.False(outcome.IsRetryable);
        Assert.False(outcome.AllowsFallback);
        Assert.False(agentCalled);
        Assert.Null(outcome.Output);
        Assert.Equal(TokenUsage.Zero, outcome.Tokens);
    }

    [Fact]
    public async Task Execute_AgentThrows_AgentFailedNamingExceptionTypeAndMessage()
    {
        var pluginCalled = false;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => throw new HttpRequestException("503 from model")))
            .AddFlujoPlugin("p", _ => new FuncPlugin(_ => { pluginCalled = true; return PluginResult.Pass(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("p")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
        Assert.Equal("Agent execution failed with HttpRequestException: 503 from model", outcome.Feedback);
        Assert.True(outcome.IsRetryable);
        Assert.True(outcome.AllowsFallback);
        Assert.Null(outcome.Output);
        Assert.Null(outcome.RetryFeedback);
        Assert.False(pluginCalled);
    }

    [Fact]
    public async Task Execute_AgentThrowsAsynchronously_AgentFailed()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(async (_, ct) =>
            {
                await Task.Yield();
                throw new InvalidOperationException("late failure");
            }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
        Assert.Equal("Agent execution failed with InvalidOperationException: late failure", outcome.Feedback);
    }

    [Fact]
    public async Task Execute_AgentThrowsOperationCanceledOfItsOwn_AgentFailedNotACrash()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => throw new OperationCanceledException("model call cancelled")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
        Assert.Equal("Agent execution failed with OperationCanceledException: model call cancelled", outcome.Feedback);
    }

    [Fact]
    public async Task Execute_AgentReturnsNull_AgentFailedNotACrash()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => null!))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
        Assert.StartsWith("Agent execution failed with ", outcome.Feedback);
        Assert.Contains("'agent'", outcome.Feedback);
    }

    [Fact]
    public async Task Execute_UnknownAgent_AgentFailedNamingTheAgent()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("writer", _ => new FuncAgent(_ => AgentResponse.Text("out")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("ghost-writer") };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.AgentFailed, outcome.Status);
        Assert.StartsWith("Agent execution failed with InvalidOperationException: ", outcome.Feedback);
        Assert.Contains("'ghost-writer'", outcome.Feedback);
    }

    [Fact]
    public async Task Execute_OutputProcessorThrows_RetryableProcessorFailureKeepingUsage()
    {
        var validatorCalled = false;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("not json", new TokenUsage(10, 5), 0.01m)))
            .AddFlujoProcessor("parse", _ => new FuncProcessor((_, _) => throw new FormatException("expected JSON")))
            .AddFlujoValidator("v", _ => new FuncValidator(_ => { validatorCalled = true; return ValidationResult.Valid(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), OutputProcessors = [new("parse")], Validators = [new("v")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.OutputProcessorFailed, outcome.Status);
        Assert.Equal("Processor failed: expected JSON", outcome.Feedback);
        Assert.True(outcome.IsRetryable);
        Assert.True(outcome.AllowsFallback);
        Assert.Equal(new TokenUsage(10, 5), outcome.Tokens);
        Assert.Equal(0.01m, outcome.CostUsd);
        Assert.False(validatorCalled);
    }

    [Fact]
    public async Task Execute_PluginFails_RetryableWithFeedbackForTheNextAttempt()
    {
        var validatorCalled = false;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("hi")))
            .AddFlujoPlugin("min-length", _ => new FuncPlugin(_ => PluginResult.Fail("Answer must be at least 10 characters")))
            .AddFlujoValidator("v", _ => new FuncValidator(_ => { validatorCalled = true; return ValidationResult.Valid(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("min-length")], Validators = [new("v")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.Equal("Plugin validation failed: Answer must be at least 10 characters", outcome.Feedback);
        Assert.Equal("Answer must be at least 10 characters", outcome.RetryFeedback);
        Assert.True(outcome.IsRetryable);
        Assert.True(outcome.AllowsFallback);
        Assert.False(validatorCalled);
    }

    [Fact]
    public async Task Execute_PluginFails_LowerPriorityPluginsDoNotRun()
    {
        var log = new List<string>();
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("hi")))
            .AddFlujoPlugin("first", _ => new FuncPlugin(_ => { log.Add("first"); return PluginResult.Fail("no"); }))
            .AddFlujoPlugin("second", _ => new FuncPlugin(_ => { log.Add("second"); return PluginResult.Pass(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("second", 1), new("first", 2)] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.Equal(["first"], log);
    }

    [Fact]
    public async Task Execute_PluginFails_KeepsTokensAndCostOfTheAttempt()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("hi", new TokenUsage(40, 2), 0.003m)))
            .AddFlujoPlugin("p", _ => new FuncPlugin(_ => PluginResult.Fail("too short")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("p")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.Equal(new TokenUsage(40, 2), outcome.Tokens);
        Assert.Equal(0.003m, outcome.CostUsd);
    }

    [Fact]
    public async Task Execute_PluginThrows_PluginFailedNamingPluginAndException()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("hi")))
            .AddFlujoPlugin("checker", _ => new FuncPlugin(_ => throw new InvalidOperationException("bad regex")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("checker")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.Equal("Plugin validation failed: checker threw InvalidOperationException: bad regex", outcome.Feedback);
        Assert.True(outcome.IsRetryable);
    }

    [Fact]
    public async Task Execute_PluginFailsWithoutFeedback_FeedbackNamesThePlugin()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("hi")))
            .AddFlujoPlugin("checker", _ => new FuncPlugin(_ => new PluginResult(false)))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("checker")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.Equal("Plugin validation failed: checker rejected the output", outcome.Feedback);
    }

    [Fact]
    public async Task Execute_PluginFailsWithNewOutput_OutputNotReplaced()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("draft")))
            .AddFlujoPlugin("p", _ => new FuncPlugin(_ => new PluginResult(false, "nope", JsonValue.Create("other"), ReplacesOutput: true)))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("p")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.Equal("draft", Json.Text(outcome.Output));
    }

    [Fact]
    public async Task Execute_ValidatorInvalid_NotRetriedFallbackAllowedOutputKept()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => new AgentResponse(Json.Obj("""{"score":12}"""), new TokenUsage(7, 3), 0.02m)))
            .AddFlujoValidator("ScoreRange", _ => new FuncValidator(_ => ValidationResult.Invalid("score must be 0-10")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Validators = [new("ScoreRange")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.ValidationFailed, outcome.Status);
        Assert.Equal("Validation failed: ScoreRange: score must be 0-10", outcome.Feedback);
        Assert.False(outcome.IsRetryable);
        Assert.True(outcome.AllowsFallback);
        Assert.True(Json.Same(Json.Obj("""{"score":12}"""), outcome.Output));
        Assert.Equal(new TokenUsage(7, 3), outcome.Tokens);
        Assert.Equal(0.02m, outcome.CostUsd);
    }

    [Fact]
    public async Task Execute_SeveralValidatorsInvalid_AllRunAndFeedbackJoinedInOrder()
    {
        var log = new List<string>();
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("x")))
            .AddFlujoValidator("Length", _ => new FuncValidator(_ => { log.Add("Length"); return ValidationResult.Invalid("too short"); }))
            .AddFlujoValidator("Ok", _ => new FuncValidator(_ => { log.Add("Ok"); return ValidationResult.Valid(); }))
            .AddFlujoValidator("Language", _ => new FuncValidator(_ => { log.Add("Language"); return ValidationResult.Invalid("not Spanish"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Validators = [new("Length"), new("Ok"), new("Language")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.ValidationFailed, outcome.Status);
        Assert.Equal("Validation failed: Length: too short; Language: not Spanish", outcome.Feedback);
        Assert.Equal(["Length", "Ok", "Language"], log);
        Assert.Equal("x", Json.Text(outcome.Output));
    }

    [Fact]
    public async Task Execute_ValidatorThrows_ValidationFailedNamingValidatorAndException()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("x")))
            .AddFlujoValidator("Schema", _ => new FuncValidator(_ => throw new InvalidOperationException("schema missing")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Validators = [new("Schema")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.ValidationFailed, outcome.Status);
        Assert.Equal("Validation failed: Schema: threw InvalidOperationException: schema missing", outcome.Feedback);
        Assert.Equal("x", Json.Text(outcome.Output));
    }

    [Fact]
    public async Task Execute_PluginReturnsNull_PluginFailedNotACrash()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("x")))
            .AddFlujoPlugin("lazy", _ => new FuncPlugin(_ => null!))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("lazy")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.StartsWith("Plugin validation failed: lazy", outcome.Feedback);
    }

    [Fact]
    public async Task Execute_ValidatorReturnsNull_ValidationFailedNotACrash()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("x")))
            .AddFlujoValidator("Lazy", _ => new FuncValidator(_ => null!))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Validators = [new("Lazy")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.ValidationFailed, outcome.Status);
        Assert.StartsWith("Validation failed: Lazy: ", outcome.Feedback);
    }
}
