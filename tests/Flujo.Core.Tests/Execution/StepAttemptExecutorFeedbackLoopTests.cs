using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Execution;
using Flujo.Plugins;
using Flujo.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Core.Tests.Execution;

/// <summary>SEMANTICS §2 "plugin fails" row: the next attempt's input carries the plugin feedback.</summary>
public sealed class StepAttemptExecutorFeedbackLoopTests
{
    [Fact]
    public async Task Execute_FeedbackWithTextInput_AppendedToTheAgentInput()
    {
        AgentRequest? seen = null;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { seen = r; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "Write a haiku", Attempt = 2, Feedback = "Use 17 syllables" });

        Assert.NotNull(seen);
        Assert.Equal("Write a haiku\n\nFeedback on the previous attempt: Use 17 syllables", Json.Text(seen.Input));
        Assert.Equal("Use 17 syllables", seen.Feedback);
        Assert.Equal(2, seen.Attempt);
    }

    [Fact]
    public async Task Execute_FeedbackWithObjectInput_InputUnchangedButFeedbackSet()
    {
        AgentRequest? seen = null;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { seen = r; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = Json.Obj("""{"topic":"sea"}"""), Feedback = "Use 17 syllables" });

        Assert.NotNull(seen);
        Assert.True(Json.Same(Json.Obj("""{"topic":"sea"}"""), seen.Input));
        Assert.Equal("Use 17 syllables", seen.Feedback);
    }

    [Fact]
    public async Task Execute_FeedbackWithNumberInput_InputUnchangedButFeedbackSet()
    {
        AgentRequest? seen = null;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { seen = r; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = JsonValue.Create(42), Feedback = "bigger" });

        Assert.NotNull(seen);
        Assert.Equal(42, seen.Input!.GetValue<int>());
        Assert.Equal("bigger", seen.Feedback);
    }

    [Fact]
    public async Task Execute_FeedbackIsAppendedAfterPromptProcessors()
    {
        JsonNode? processorSaw = null, agentSaw = null;
        var executor = new ServiceCollection()
            .AddFlujoProcessor("upper", _ => new FuncProcessor((v, _) => { processorSaw = v?.DeepClone(); return Json.Text(v)!.ToUpperInvariant(); }))
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { agentSaw = r.Input; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), PromptProcessors = [new("upper")] };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "write", Feedback = "shorter" });

        Assert.Equal("write", Json.Text(processorSaw));
        Assert.Equal("WRITE\n\nFeedback on the previous attempt: shorter", Json.Text(agentSaw));
    }

    [Fact]
    public async Task Execute_NoFeedback_InputPassedAsIs()
    {
        AgentRequest? seen = null;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { seen = r; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "Write a haiku" });

        Assert.Equal("Write a haiku", Json.Text(seen!.Input));
        Assert.Null(seen.Feedback);
    }

    [Fact]
    public async Task Execute_PluginFeedbackFedIntoNextAttempt_AgentSelfCorrects()
    {
        // The agent answers briefly unless told otherwise; the plugin wants at least 3 words.
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r =>
                AgentResponse.Text(Json.Text(r.Input)!.Contains("at least 3 words") ? "blue green sea" : "sea")))
            .AddFlujoPlugin("words", _ => new FuncPlugin(c =>
                Json.Text(c.Output)!.Split(' ').Length >= 3 ? PluginResult.Pass() : PluginResult.Fail("Answer with at least 3 words")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("words")] };

        var first = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "Describe the sea", Attempt = 1 });
        var second = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "Describe the sea", Attempt = 2, Feedback = first.RetryFeedback });

        Assert.Equal(AttemptStatus.PluginFailed, first.Status);
        Assert.Equal("Answer with at least 3 words", first.RetryFeedback);
        Assert.True(second.Succeeded);
        Assert.Equal("blue green sea", Json.Text(second.Output));
    }

    [Fact]
    public async Task Execute_PluginsSeeTheInputWithoutFeedbackAndTheAttemptNumber()
    {
        PluginContext? seen = null;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("out")))
            .AddFlujoPlugin("p", _ => new FuncPlugin(c => { seen = c; return PluginResult.Pass(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("p")] };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in", Attempt = 3, Feedback = "more" });

        Assert.NotNull(seen);
        Assert.Equal("s", seen.StepName);
        Assert.Equal(3, seen.Attempt);
        Assert.Equal("in", Json.Text(seen.Input));
        Assert.Equal("out", Json.Text(seen.Output));
    }
}
