using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Definition;
using Flujo.Execution;
using Flujo.Plugins;
using Flujo.Registration;
using Flujo.Validators;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Core.Tests.Execution;

/// <summary>
/// Agent isolation (SEMANTICS §1), the same rendered input for primary and fallback (§3), and failed attempts
/// never changing the context (§8): whatever a component mutates stays inside its attempt.
/// </summary>
public sealed class StepAttemptExecutorIsolationTests
{
    [Fact]
    public async Task Execute_AgentMutatesItsParameters_StepDefinitionUnchanged()
    {
        var seenTemperatures = new List<string?>();
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r =>
            {
                seenTemperatures.Add(r.Parameters["temperature"]?.ToJsonString());
                r.Parameters["temperature"] = 1.9;
                r.Parameters["injected"] = true;
                return AgentResponse.Text("out");
            }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent", Json.Obj("""{"temperature":0.2}""")) };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });
        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in", Attempt = 2 });

        Assert.True(Json.Same(Json.Obj("""{"temperature":0.2}"""), step.Agent.Parameters));
        Assert.Equal(["0.2", "0.2"], seenTemperatures);
    }

    [Fact]
    public async Task Execute_TwoStepsSameAgentName_EachGetsItsOwnInstanceAndParameters()
    {
        var instances = new List<(IAgent Agent, string? Model)>();
        var executor = new ServiceCollection()
            .AddFlujoAgent("chat", _ =>
            {
                IAgent? self = null;
                self = new FuncAgent(r => { instances.Add((self!, r.Parameters["model"]?.GetValue<string>())); return AgentResponse.Text("out"); });
                return self;
            })
            .BuildExecutor();
        var writer = new AgentStepDefinition { Name = "writer", Agent = new("chat", Json.Obj("""{"model":"big"}""")) };
        var critic = new AgentStepDefinition { Name = "critic", Agent = new("chat", Json.Obj("""{"model":"small"}""")) };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = writer, Input = "in" });
        await executor.ExecuteAsync(new StepAttemptRequest { Step = critic, Input = "in" });

        Assert.Equal(["big", "small"], instances.Select(i => i.Model));
        Assert.NotSame(instances[0].Agent, instances[1].Agent);
    }

    [Fact]
    public async Task Execute_ComponentsMutateTheContext_RequestContextUnchanged()
    {
        var executor = new ServiceCollection()
            .AddFlujoProcessor("p", _ => new FuncProcessor((v, c) => { c.Context["byProcessor"] = 1; return v; }))
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { r.Context["user"] = "mallory"; r.Context.Remove("plan"); return AgentResponse.Text("out"); }))
            .AddFlujoPlugin("pl", _ => new FuncPlugin(c => { c.Context["byPlugin"] = 1; return PluginResult.Pass(); }))
            .AddFlujoValidator("v", _ => new FuncValidator(c => { c.Context["byValidator"] = 1; return ValidationResult.Invalid("no"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition
        {
            Name = "s", Agent = new("agent"), PromptProcessors = [new("p")], Plugins = [new("pl")], Validators = [new("v")],
        };
        var context = Json.Obj("""{"user":"ana","plan":{"tier":"pro"}}""");

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in", Context = context });

        Assert.True(Json.Same(Json.Obj("""{"user":"ana","plan":{"tier":"pro"}}"""), context));
    }

    [Fact]
    public async Task Execute_AgentMutatesItsInput_RequestInputUnchangedForTheFallback()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { r.Input!.AsObject()["topic"] = "hijacked"; throw new InvalidOperationException("boom"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };
        var input = Json.Obj("""{"topic":"sea"}""");

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = input });

        Assert.True(Json.Same(Json.Obj("""{"topic":"sea"}"""), input));
    }

    [Fact]
    public async Task Execute_PromptProcessorMutatesItsValue_RequestInputUnchanged()
    {
        var executor = new ServiceCollection()
            .AddFlujoProcessor("p", _ => new FuncProcessor((v, _) => { v!.AsObject()["extra"] = 1; return v; }))
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("out")))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), PromptProcessors = [new("p")] };
        var input = Json.Obj("""{"topic":"sea"}""");

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = input });

        Assert.True(Json.Same(Json.Obj("""{"topic":"sea"}"""), input));
    }

    [Fact]
    public async Task Execute_ProcessorPluginValidatorMutateTheirParameters_StepDefinitionUnchanged()
    {
        var executor = new ServiceCollection()
            .AddFlujoProcessor("p", _ => new FuncProcessor((v, c) => { c.Parameters["x"] = 2; return v; }))
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("out")))
            .AddFlujoPlugin("pl", _ => new FuncPlugin(c => { c.Parameters["x"] = 2; return PluginResult.Pass(); }))
            .AddFlujoValidator("v", _ => new FuncValidator(c => { c.Parameters["x"] = 2; return ValidationResult.Valid(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition
        {
            Name = "s",
            Agent = new("agent"),
            PromptProcessors = [new("p", Json.Obj("""{"x":1}"""))],
            OutputProcessors = [new("p", Json.Obj("""{"x":1}"""))],
            Plugins = [new("pl", 0, Json.Obj("""{"x":1}"""))],
            Validators = [new("v", Json.Obj("""{"x":1}"""))],
        };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.All(
            new JsonNode[] { step.PromptProcessors[0].Parameters, step.OutputProcessors[0].Parameters, step.Plugins[0].Parameters, step.Validators[0].Parameters },
            p => Assert.True(Json.Same(Json.Obj("""{"x":1}"""), p)));
    }

    [Fact]
    public async Task Execute_PluginMutatesTheOutputItSees_OutcomeOutputUnchanged()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => new AgentResponse(Json.Obj("""{"answer":"42"}"""))))
            .AddFlujoPlugin("pl", _ => new FuncPlugin(c => { c.Output!.AsObject()["answer"] = "tampered"; return PluginResult.Pass(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("pl")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.True(Json.Same(Json.Obj("""{"answer":"42"}"""), outcome.Output));
    }
}
