using System.ClientModel;
using System.Text.Json.Nodes;
using Flujo.Agents.Tests.Support;
using Flujo.Registration;
using Flujo.Results;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Flujo.Agents.Tests;

/// <summary>An application's own IChatClient or Agent Framework AIAgent serving as a named agent.</summary>
public sealed class NamedAgentTests
{
    private static IChatClient Client(FakeOpenAIServer server, string model) =>
        new OpenAIClient(new ApiKeyCredential("app-key"), new OpenAIClientOptions { Endpoint = new Uri(server.BaseUrl) })
            .GetChatClient(model).AsIChatClient();

    [Fact]
    public async Task NamedChatClient_HasTheChatSemantics_InstructionsSchemaFeedbackAndPricing()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoChatClient("writer", _ => Client(harness.Server, "gpt-4o"));
        harness.Reply(ScriptedReply.Text("nope", promptTokens: 10, completionTokens: 1), ScriptedReply.Text("{\"title\":\"Tea\"}", promptTokens: 20, completionTokens: 4));

        var result = await harness.RunAsync("""
            name: named-client
            steps:
              - name: title
                maxRetries: 1
                agent:
                  name: writer
                  params:
                    instructions: "Write a title."
                    outputSchema: { type: object, required: [title] }
            """, JsonValue.Create("An essay about tea"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("Tea", step.Output!["title"]!.GetValue<string>());
        Assert.Equal(2, step.Attempts);
        Assert.Equal((30 * 2.50m + 5 * 10m) / 1_000_000m, step.CostUsd);
        Assert.Equal("gpt-4o", step.Meta("model"));
        Assert.Null(step.Meta("connection"));
        var retry = harness.Server.Requests[1];
        Assert.Equal("gpt-4o", retry.Body["model"]!.GetValue<string>());
        Assert.Equal("Bearer app-key", retry.Authorization);
        Assert.Equal(("assistant", "nope"), retry.Turns[2]);
        Assert.StartsWith("Feedback on the previous attempt: the reply is not valid JSON", retry.Turns[3].Content);
    }

    [Fact]
    public async Task NamedChatClient_RejectsTheConnectionParameter()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoChatClient("writer", _ => Client(harness.Server, "gpt-4o"));

        var result = await harness.RunAsync("""
            name: named-client-connection
            steps:
              - name: title
                agent: { name: writer, params: { connection: other } }
            """, JsonValue.Create("x"));

        Assert.Equal(RunStatus.Failed, result.Status);
        Assert.Contains("writer: unknown parameter 'connection'", result.OnlyStep().Feedback);
    }

    [Fact]
    public async Task AIAgent_RunsWithTheStepInput_OutputsItsText_PricesItsUsage()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoAIAgent("assistant", _ => Client(harness.Server, "gpt-4.1-mini").AsAIAgent(instructions: "You are terse.", name: "assistant"));
        harness.Reply(ScriptedReply.Text("Done.", promptTokens: 1000, completionTokens: 100));

        var result = await harness.RunAsync("""
            name: ai-agent
            steps:
              - name: act
                agent: assistant
            """, JsonValue.Create("Do the thing"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("Done.", step.Output.Text());
        Assert.Equal(new TokenUsage(1000, 100), step.Tokens);
        Assert.Equal((1000 * 0.40m + 100 * 1.60m) / 1_000_000m, step.CostUsd);
        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("gpt-4.1-mini", request.Body["model"]!.GetValue<string>());
        Assert.Equal([("system", "You are terse."), ("user", "Do the thing")], request.Turns);
    }

    [Fact]
    public async Task AIAgent_ProviderUnauthorized_FallbackRuns()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Services.AddFlujoAIAgent("assistant", _ => Client(harness.Server, "gpt-4.1-mini").AsAIAgent(name: "assistant"));
        harness.Reply(ScriptedReply.Error(401, "bad key"), ScriptedReply.Text("fallback answer"));

        var result = await harness.RunAsync("""
            name: ai-agent-fallback
            steps:
              - name: act
                maxRetries: 2
                fallback: act_locally
                agent: assistant
            fallbacks:
              - name: act_locally
                agent: { name: chat, params: { connection: other, model: "llama3.1" } }
            """, JsonValue.Create("Do the thing"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("fallback answer", step.Output.Text());
        Assert.Equal(2, step.Attempts);
        Assert.Contains("HTTP 401 (Unauthorized): bad key", step.Meta("original_error"));
    }
}
