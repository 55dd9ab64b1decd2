using System.Text.Json.Nodes;
using Flujo.Agents.Tests.Support;
using Flujo.Definition;
using Flujo.Definition.Loading;
using Microsoft.Extensions.AI;
using Flujo.Registration;
using Flujo.Results;

namespace Flujo.Agents.Tests;

/// <summary>Tools: the model's calls run inside the attempt and are recorded in the step's metadata.</summary>
public sealed class ChatToolTests
{
    [Fact]
    public async Task ToolRoundTrip_ToolRunsInTheAttempt_SecondRequestCarriesTheResult_CallIsRecorded()
    {
        await using var harness = await ChatHarness.StartAsync();
        var calls = new List<string>();
        harness.Services.AddFlujoTool("get_weather", (string city) =>
        {
            calls.Add(city);
            return $"Sunny in {city}";
        }, "Gets today's weather for a city.");
        harness.Reply(
            ScriptedReply.ToolCalls(("call_1", "get_weather", "{\"city\":\"Paris\"}")),
            ScriptedReply.Text("It is sunny in Paris.", promptTokens: 40, completionTokens: 9));

        var result = await harness.RunAsync("""
            name: tools
            steps:
              - name: answer
                agent: { name: chat, params: { tools: [get_weather] } }
            """, JsonValue.Create("Weather in Paris?"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("It is sunny in Paris.", step.Output.Text());
        Assert.Equal(1, step.Attempts);
        Assert.Equal(["Paris"], calls);
        // Usage of both model calls of the attempt.
        Assert.Equal(new TokenUsage(20 + 40, 8 + 9), step.Tokens);

        var requests = harness.Server.Requests;
        Assert.Equal(2, requests.Count);
        var tool = Assert.Single(requests[0].Body["tools"]!.AsArray())!;
        Assert.Equal("function", tool["type"]!.GetValue<string>());
        Assert.Equal("get_weather", tool["function"]!["name"]!.GetValue<string>());
        Assert.Equal("Gets today's weather for a city.", tool["function"]!["description"]!.GetValue<string>());
        Assert.Equal("string", tool["function"]!["parameters"]!["properties"]!["city"]!["type"]!.GetValue<string>());

        var messages = requests[1].Messages;
        var assistant = messages.Single(m => m!["role"]!.GetValue<string>() == "assistant")!;
        Assert.Equal("call_1", assistant["tool_calls"]![0]!["id"]!.GetValue<string>());
        var toolMessage = messages.Single(m => m!["role"]!.GetValue<string>() == "tool")!;
        Assert.Equal("call_1", toolMessage["tool_call_id"]!.GetValue<string>());
        Assert.Contains("Sunny in Paris", toolMessage["content"]!.ToJsonString());

        var recorded = Assert.Single(step.Metadata["tool_calls"]!.AsArray())!;
        Assert.Equal("get_weather", recorded["name"]!.GetValue<string>());
        Assert.Equal("Paris", recorded["arguments"]!["city"]!.GetValue<string>());
        Assert.True(recorded["durationMs"]!.GetValue<long>() >= 0);
        Assert.Null(recorded["error"]);
    }

    [Fact]
    public async Task ToolThrows_ModelIsToldAndAnswers_ErrorIsRecorded()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoTool("lookup", (string id) => id == "42" ? throw new InvalidOperationException("record 42 is locked") : "ok");
        harness.Reply(ScriptedReply.ToolCalls(("call_9", "lookup", "{\"id\":\"42\"}")), ScriptedReply.Text("The record is unavailable."));

        var result = await harness.RunAsync("""
            name: tool-error
            steps:
              - name: answer
                agent: { name: chat, params: { tools: [lookup] } }
            """, JsonValue.Create("Fetch 42"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("The record is unavailable.", result.Output.Text());
        var recorded = Assert.Single(result.OnlyStep().Metadata["tool_calls"]!.AsArray())!;
        Assert.Equal("InvalidOperationException: record 42 is locked", recorded["error"]!.GetValue<string>());
        Assert.Single(harness.Server.Requests[1].Messages, m => m!["role"]!.GetValue<string>() == "tool");
    }

    [Fact]
    public async Task UnknownTool_FailsAtOnceNamingTheRegisteredTools()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoTool("get_weather", (string city) => city);

        // Loaded without a catalog (as a pipeline built in code is): the agent refuses the name when it runs.
        var result = await harness.RunAsync(PipelineLoader.Load("""
            name: unknown-tool
            steps:
              - name: answer
                maxRetries: 2
                agent: { name: chat, params: { tools: [get_wether] } }
            """), JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Equal(1, result.OnlyStep().Attempts);
        Assert.Equal(
            "Agent execution failed with AgentCallException: chat: parameter 'tools' names 'get_wether', which is not a registered tool; registered tools: get_weather.",
            result.OnlyStep().Feedback);
        Assert.Empty(harness.Server.Requests);
    }

    [Fact]
    public async Task UnknownTool_IsALocatedLoadError_WithDidYouMean()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoTool("get_weather", (string city) => city);
        harness.Services.AddFlujoTool("get_time", (string zone) => zone);

        var error = Assert.Throws<PipelineDefinitionException>(() => harness.Load("""
            name: unknown-tool
            steps:
              - name: answer
                agent: chat
                params:
                  tools:
                    - get_time
                    - get_wether
              - name: again
                agent: { name: chat, params: { tools: get_tme } }
            """));

        Assert.Collection(error.Errors,
            e =>
            {
                Assert.Equal("Unknown tool 'get_wether'. Did you mean 'get_weather'?", e.Message);
                Assert.Equal(("test.yaml", 8, 11), (e.Location!.File, e.Location.Line, e.Location.Column));
                Assert.Equal("answer", e.StepPath);
            },
            e =>
            {
                Assert.Equal("Unknown tool 'get_tme'. Did you mean 'get_time'?", e.Message);
                Assert.Equal(10, e.Location!.Line);
                Assert.Equal("again", e.StepPath);
            });
    }

    [Fact]
    public async Task ToolNames_AreCheckedForNamedChatClients_AndNotForOtherAgents()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoChatClient("writer", _ => new OpenAI.OpenAIClient(
            new System.ClientModel.ApiKeyCredential("k"), new OpenAI.OpenAIClientOptions { Endpoint = new Uri(harness.Server.BaseUrl) })
            .GetChatClient("gpt-4o").AsIChatClient());
        harness.Services.AddFlujoAgent("custom", _ => new Flujo.BuiltIns.Agents.EchoAgent());

        var error = Assert.Throws<PipelineDefinitionException>(() => harness.Load("""
            name: tools
            steps:
              - name: write
                agent: { name: writer, params: { tools: [search] } }
              - name: own
                agent: { name: custom, params: { tools: [anything] } }
            """));

        var only = Assert.Single(error.Errors);
        Assert.Equal("Unknown tool 'search': no tools are registered", only.Message);
        Assert.Equal(4, only.Location!.Line);
    }

    [Fact]
    public async Task RegisteredTools_Load()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoTool("get_weather", (string city) => city);

        var pipeline = harness.Load("""
            name: tools
            steps:
              - { name: answer, agent: chat, params: { tools: [get_weather] } }
            """);

        Assert.Equal("answer", Assert.Single(pipeline.Steps).Name);
    }
}
