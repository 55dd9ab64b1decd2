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

/// <summary>SEMANTICS §2 steps 2–6 on the success path: order, data flow, usage.</summary>
public sealed class StepAttemptExecutorSuccessTests
{
    [Fact]
    public async Task Execute_AllComponents_RunInContractOrder()
    {
        var log = new List<string>();
        var executor = new ServiceCollection()
            .AddFlujoProcessor("p1", _ => new FuncProcessor((v, _) => { log.Add("prompt:p1"); return v; }))
            .AddFlujoProcessor("p2", _ => new FuncProcessor((v, _) => { log.Add("prompt:p2"); return v; }))
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { log.Add("agent"); return AgentResponse.Text("out"); }))
            .AddFlujoProcessor("o1", _ => new FuncProcessor((v, _) => { log.Add("output:o1"); return v; }))
            .AddFlujoProcessor("o2", _ => new FuncProcessor((v, _) => { log.Add("output:o2"); return v; }))
            .AddFlujoPlugin("low", _ => new FuncPlugin(_ => { log.Add("plugin:low"); return PluginResult.Pass(); }))
            .AddFlujoPlugin("high", _ => new FuncPlugin(_ => { log.Add("plugin:high"); return PluginResult.Pass(); }))
            .AddFlujoValidator("v1", _ => new FuncValidator(_ => { log.Add("validator:v1"); return ValidationResult.Valid(); }))
            .AddFlujoValidator("v2", _ => new FuncValidator(_ => { log.Add("validator:v2"); return ValidationResult.Valid(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition
        {
            Name = "s",
            Agent = new("agent"),
            PromptProcessors = [new("p1"), new("p2")],
            OutputProcessors = [new("o1"), new("o2")],
            Plugins = [new("low", priority: 1), new("high", priority: 9)],
            Validators = [new("v1"), new("v2")],
        };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(AttemptStatus.Succeeded, outcome.Status);
        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.Feedback);
        Assert.Equal(
            ["prompt:p1", "prompt:p2", "agent", "output:o1", "output:o2", "plugin:high", "plugin:low", "validator:v1", "validator:v2"],
            log);
    }

    [Fact]
    public async Task Execute_Processors_ChainTheirValuesInDeclarationOrder()
    {
        JsonNode? agentInput = null;
        var executor = new ServiceCollection()
            .AddFlujoProcessor("append", _ => new FuncProcessor((v, ctx) => $"{Json.Text(v)}+{ctx.Parameters["tag"]}"))
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { agentInput = r.Input; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition
        {
            Name = "s",
            Agent = new("agent"),
            PromptProcessors = [new("append", Json.Obj("""{"tag":"a"}""")), new("append", Json.Obj("""{"tag":"b"}"""))],
            OutputProcessors = [new("append", Json.Obj("""{"tag":"x"}""")), new("append", Json.Obj("""{"tag":"y"}"""))],
        };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal("in+a+b", Json.Text(agentInput));
        Assert.Equal("out+x+y", Json.Text(outcome.Output));
    }

    [Fact]
    public async Task Execute_PluginPriorities_HighestFirstAndEqualPrioritiesKeepDeclarationOrder()
    {
        var log = new List<string>();
        var services = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("out")));
        foreach (var name in new[] { "zero", "ten", "fiveA", "fiveB", "minus", "fiveC" })
            services.AddFlujoPlugin(name, _ => new FuncPlugin(_ => { log.Add(name); return PluginResult.Pass(); }));
        var executor = services.BuildExecutor();
        var step = new AgentStepDefinition
        {
            Name = "s",
            Agent = new("agent"),
            Plugins = [new("zero", 0), new("ten", 10), new("fiveA", 5), new("fiveB", 5), new("minus", -1), new("fiveC", 5)],
        };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(["ten", "fiveA", "fiveB", "fiveC", "zero", "minus"], log);
    }

    [Fact]
    public async Task Execute_AgentResponse_TokensAndCostReported()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("out", new TokenUsage(Prompt: 120, Completion: 30), costUsd: 0.0042m)))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.True(outcome.Succeeded);
        Assert.Equal("out", Json.Text(outcome.Output));
        Assert.Equal(new TokenUsage(120, 30), outcome.Tokens);
        Assert.Equal(150, outcome.Tokens.Total);
        Assert.Equal(0.0042m, outcome.CostUsd);
    }

    [Fact]
    public async Task Execute_StructuredOutput_ReturnedAsJson()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r => new AgentResponse(new JsonObject { ["echo"] = r.Input?.DeepClone(), ["n"] = 3 })))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent") };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = Json.Obj("""{"q":"hi"}""") });

        Assert.True(Json.Same(Json.Obj("""{"echo":{"q":"hi"},"n":3}"""), outcome.Output));
    }

    [Fact]
    public async Task Execute_AgentRequest_CarriesStepNameAttemptAndParameters()
    {
        AgentRequest? seen = null;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(r => { seen = r; return AgentResponse.Text("out"); }))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "draft", Agent = new("agent", Json.Obj("""{"model":"m1"}""")) };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in", Attempt = 2, Context = Json.Obj("""{"user":"ana"}""") });

        Assert.NotNull(seen);
        Assert.Equal("draft", seen.StepName);
        Assert.Equal(2, seen.Attempt);
        Assert.Equal("in", Json.Text(seen.Input));
        Assert.Null(seen.Feedback);
        Assert.True(Json.Same(Json.Obj("""{"model":"m1"}"""), seen.Parameters));
        Assert.True(Json.Same(Json.Obj("""{"user":"ana"}"""), seen.Context));
    }

    [Fact]
    public async Task Execute_PluginReplacesOutput_LaterPluginsValidatorsAndOutcomeSeeTheNewOutput()
    {
        JsonNode? laterPluginSaw = null, validatorSaw = null;
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("draft")))
            .AddFlujoPlugin("fixer", _ => new FuncPlugin(_ => PluginResult.Replace("fixed")))
            .AddFlujoPlugin("checker", _ => new FuncPlugin(c => { laterPluginSaw = c.Output; return PluginResult.Pass(); }))
            .AddFlujoValidator("v", _ => new FuncValidator(c => { validatorSaw = c.Output; return ValidationResult.Valid(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition
        {
            Name = "s",
            Agent = new("agent"),
            Plugins = [new("fixer", priority: 2), new("checker", priority: 1)],
            Validators = [new("v")],
        };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.True(outcome.Succeeded);
        Assert.Equal("fixed", Json.Text(outcome.Output));
        Assert.Equal("fixed", Json.Text(laterPluginSaw));
        Assert.Equal("fixed", Json.Text(validatorSaw));
    }

    [Fact]
    public async Task Execute_PluginSucceedsWithNewOutput_ReplacesOutput()
    {
        // PluginResult's contract: "NewOutput, when set on success, replaces the output" - with or without the flag.
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("draft")))
            .AddFlujoPlugin("fixer", _ => new FuncPlugin(_ => new PluginResult(true, NewOutput: JsonValue.Create("fixed"))))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("fixer")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal("fixed", Json.Text(outcome.Output));
    }

    [Fact]
    public async Task Execute_PluginReplacesOutputWithNull_OutputIsNull()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("draft")))
            .AddFlujoPlugin("eraser", _ => new FuncPlugin(_ => PluginResult.Replace(null)))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("eraser")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.Output);
    }

    [Fact]
    public async Task Execute_PluginPasses_OutputUnchanged()
    {
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("draft")))
            .AddFlujoPlugin("ok", _ => new FuncPlugin(_ => PluginResult.Pass()))
            .BuildExecutor();
        var step = new AgentStepDefinition { Name = "s", Agent = new("agent"), Plugins = [new("ok")] };

        var outcome = await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal("draft", Json.Text(outcome.Output));
    }

    [Fact]
    public async Task Execute_ComponentParameters_EachUseGetsItsOwn()
    {
        var seen = new List<string>();
        var executor = new ServiceCollection()
            .AddFlujoAgent("agent", _ => new FuncAgent(_ => AgentResponse.Text("out")))
            .AddFlujoPlugin("p", _ => new FuncPlugin(c => { seen.Add($"plugin {c.Parameters["min"]}"); return PluginResult.Pass(); }))
            .AddFlujoValidator("v", _ => new FuncValidator(c => { seen.Add($"validator {c.Parameters["max"]}"); return ValidationResult.Valid(); }))
            .BuildExecutor();
        var step = new AgentStepDefinition
        {
            Name = "s",
            Agent = new("agent"),
            Plugins = [new("p", 0, Json.Obj("""{"min":1}""")), new("p", 0, Json.Obj("""{"min":2}"""))],
            Validators = [new("v", Json.Obj("""{"max":8}"""))],
        };

        await executor.ExecuteAsync(new StepAttemptRequest { Step = step, Input = "in" });

        Assert.Equal(["plugin 1", "plugin 2", "validator 8"], seen);
    }
}
