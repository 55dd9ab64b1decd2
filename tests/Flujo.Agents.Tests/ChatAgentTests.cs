using System.Text.Json.Nodes;
using Flujo.Agents.Tests.Support;
using Flujo.Results;

namespace Flujo.Agents.Tests;

/// <summary>The built-in chat agent through the real engine and the official OpenAI client, against a scripted server (SEMANTICS §11).</summary>
public sealed class ChatAgentTests
{
    [Fact]
    public async Task PlainReply_ServerReceivesModelMessagesTemperatureAndMaxTokens_StepReportsTokensAndPricedCost()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Text("Green tea.", promptTokens: 1000, completionTokens: 500, cachedTokens: 200, model: "gpt-4o-mini-2024-07-18"));

        var result = await harness.RunAsync("""
            name: plain
            context:
              initial: { audience: "beginners" }
            steps:
              - name: answer
                input: "Question: {{ input }}"
                agent:
                  name: chat
                  params:
                    instructions: "Answer {{ context.audience }} in one line. The question is about {{ input }}."
                    temperature: 0.2
                    maxOutputTokens: 200
            """, JsonValue.Create("tea"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("Green tea.", step.Output.Text());
        Assert.Equal(1, step.Attempts);
        Assert.Equal(new TokenUsage(1000, 500), step.Tokens);
        // gpt-4o-mini: 800 input × $0.15 + 200 cached × $0.075 + 500 output × $0.60, per million.
        Assert.Equal(0.000435m, step.CostUsd);
        Assert.Equal(0.000435m, result.TotalCostUsd);
        Assert.Equal("gpt-4o-mini-2024-07-18", step.Meta("model"));
        Assert.Equal("default", step.Meta("connection"));
        Assert.Equal("stop", step.Meta("finish_reason"));
        Assert.Equal("200", step.Meta("cached_input_tokens"));
        Assert.Null(step.Meta("pricing"));

        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("gpt-4o-mini", request.Body["model"]!.GetValue<string>());
        Assert.Equal(0.2, request.Body["temperature"]!.GetValue<double>(), 3);
        Assert.Equal(200, request.Body["max_completion_tokens"]!.GetValue<int>());
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal(
            [("system", "Answer beginners in one line. The question is about Question: tea."), ("user", "Question: tea")],
            request.Turns);
        Assert.Null(request.Body["response_format"]);
        Assert.Null(request.Body["tools"]);
        Assert.Equal($"Bearer {ChatHarness.ApiKey}", request.Authorization);
    }

    [Fact]
    public async Task StepNamesConnectionAndModel_TheirEndpointAndModelAreUsed()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Settings["Flujo:Pricing:Models:llama3.1:InputPerMillion"] = "0";
        harness.Reply(ScriptedReply.Text("hi"));

        var result = await harness.RunAsync("""
            name: named-connection
            steps:
              - name: answer
                agent: { name: chat, params: { connection: other, model: "llama3.1:8b" } }
            """, JsonValue.Create("hello"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("llama3.1:8b", request.Body["model"]!.GetValue<string>());
        Assert.Equal([("user", "hello")], request.Turns);
        Assert.Equal("other", result.OnlyStep().Meta("connection"));
        Assert.Equal(0m, result.OnlyStep().CostUsd);
        Assert.Null(result.OnlyStep().Meta("pricing"));
    }

    [Fact]
    public async Task AzureOpenAIConnection_UsesTheV1PathAndDeployment_PricedByTheModelTheResponseNames()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Settings["Flujo:Connections:azure:Provider"] = "azure-openai";
        harness.Settings["Flujo:Connections:azure:Endpoint"] = harness.Server.Root;
        harness.Settings["Flujo:Connections:azure:ApiKey"] = "azure-key-0123456789";
        harness.Settings["Flujo:Connections:azure:Model"] = "gpt-4o-prod";
        harness.Reply(ScriptedReply.Text("hi", promptTokens: 100, completionTokens: 10, model: "gpt-4o-2024-11-20"));

        var result = await harness.RunAsync("""
            name: azure
            steps:
              - name: answer
                agent: { name: chat, params: { connection: azure } }
            """, JsonValue.Create("hello"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var request = Assert.Single(harness.Server.Requests);
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal("gpt-4o-prod", request.Body["model"]!.GetValue<string>());
        Assert.Equal("Bearer azure-key-0123456789", request.Authorization);
        Assert.Equal((100 * 2.50m + 10 * 10m) / 1_000_000m, result.OnlyStep().CostUsd);
        Assert.Equal("gpt-4o-2024-11-20", result.OnlyStep().Meta("model"));
    }

    [Fact]
    public async Task StructuredOutput_NonJsonReplyThenValid_RetrySendsPreviousReplyAndFeedback_OutputIsParsedJson()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(
            ScriptedReply.Text("Sure! The city is Paris.", promptTokens: 100, completionTokens: 10),
            ScriptedReply.Text("{\"city\": \"Paris\", \"population\": 2100000}", promptTokens: 150, completionTokens: 20));

        var result = await harness.RunAsync("""
            name: structured
            steps:
              - name: extract
                maxRetries: 1
                agent:
                  name: chat
                  params:
                    instructions: "Extract the city."
                    outputSchema:
                      type: object
                      properties:
                        city: { type: string }
                        population: { type: integer }
                      required: [city, population]
            """, JsonValue.Create("Paris has 2.1 million people."));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.True(step.Success);
        Assert.Equal(2, step.Attempts);
        Assert.Equal("Paris", step.Output!["city"]!.GetValue<string>());
        Assert.Equal(2100000, step.Output!["population"]!.GetValue<int>());
        Assert.Equal(new TokenUsage(250, 30), step.Tokens);
        Assert.Equal((100 * 0.15m + 10 * 0.60m + 150 * 0.15m + 20 * 0.60m) / 1_000_000m, step.CostUsd);

        Assert.Equal(2, harness.Server.Requests.Count);
        foreach (var request in harness.Server.Requests)
        {
            var format = request.Body["response_format"]!;
            Assert.Equal("json_schema", format["type"]!.GetValue<string>());
            Assert.Equal("extract", format["json_schema"]!["name"]!.GetValue<string>());
            Assert.Equal("integer", format["json_schema"]!["schema"]!["properties"]!["population"]!["type"]!.GetValue<string>());
        }

        Assert.Equal([("system", "Extract the city."), ("user", "Paris has 2.1 million people.")], harness.Server.Requests[0].Turns);
        var retry = harness.Server.Requests[1].Turns;
        Assert.Equal(4, retry.Count);
        Assert.Equal(("system", "Extract the city."), retry[0]);
        Assert.Equal(("user", "Paris has 2.1 million people."), retry[1]);
        Assert.Equal(("assistant", "Sure! The city is Paris."), retry[2]);
        Assert.Equal("user", retry[3].Role);
        Assert.StartsWith("Feedback on the previous attempt: the reply is not valid JSON", retry[3].Content);
    }

    [Fact]
    public async Task StructuredOutput_ReplyMissesSchema_FeedbackNamesTheField()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Text("{\"city\": \"Paris\", \"population\": \"many\"}"), ScriptedReply.Text("{\"city\": \"Paris\", \"population\": 2}"));

        var result = await harness.RunAsync("""
            name: structured-schema
            steps:
              - name: extract
                maxRetries: 1
                agent:
                  name: chat
                  params:
                    outputSchema: { type: object, properties: { population: { type: integer } }, required: [population] }
            """, JsonValue.Create("Paris"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal(2, result.OnlyStep().Output!["population"]!.GetValue<int>());
        var retry = harness.Server.Requests[1].Turns;
        Assert.Equal(("assistant", "{\"city\":\"Paris\",\"population\":\"many\"}"), retry[1]);
        Assert.StartsWith("Feedback on the previous attempt: the reply does not satisfy the output schema: /population:", retry[2].Content);
    }

    [Fact]
    public async Task StructuredOutput_EveryAttemptMissesSchema_FallbackRunsWithItsOwnOutputAndMetadata()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(
            ScriptedReply.Text("not json", promptTokens: 100, completionTokens: 10),
            ScriptedReply.Text("still not json", promptTokens: 100, completionTokens: 10),
            ScriptedReply.Text("{\"city\": \"unknown\"}", promptTokens: 50, completionTokens: 5));

        var result = await harness.RunAsync("""
            name: structured-fallback
            steps:
              - name: extract
                maxRetries: 1
                fallback: extract_simply
                agent:
                  name: chat
                  params:
                    outputSchema: { type: object, required: [city, population] }
            fallbacks:
              - name: extract_simply
                agent:
                  name: chat
                  params:
                    model: gpt-4o
                    instructions: "Answer with {\"city\": ...} only."
                    outputSchema: { type: object, required: [city] }
            """, JsonValue.Create("somewhere"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal("extract", step.Name);
        Assert.True(step.Success);
        Assert.Equal("unknown", step.Output!["city"]!.GetValue<string>());
        Assert.Equal(3, step.Attempts);
        Assert.Null(step.Feedback);
        Assert.Equal("true", step.Meta("fallback_triggered"));
        Assert.Equal("extract_simply", step.Meta("fallback_step"));
        Assert.StartsWith("Output did not match the schema: the reply is not valid JSON", step.Meta("original_error"));
        Assert.Equal(new TokenUsage(250, 25), step.Tokens);
        // Primary: 2 × (100 × $0.15 + 10 × $0.60) on gpt-4o-mini; fallback: 50 × $2.50 + 5 × $10 on gpt-4o, per million.
        var primaryCost = 2 * (100 * 0.15m + 10 * 0.60m) / 1_000_000m;
        var fallbackCost = (50 * 2.50m + 5 * 10m) / 1_000_000m;
        Assert.Equal(primaryCost + fallbackCost, step.CostUsd);
        Assert.Equal(primaryCost, step.Metadata["primary_cost_usd"]!.GetValue<decimal>());
        Assert.Equal(fallbackCost, step.Metadata["fallback_cost_usd"]!.GetValue<decimal>());
        Assert.Equal("220", step.Meta("primary_tokens"));
        Assert.Equal("55", step.Meta("fallback_tokens"));

        var requests = harness.Server.Requests;
        Assert.Equal(["gpt-4o-mini", "gpt-4o-mini", "gpt-4o"], requests.Select(r => r.Body["model"]!.GetValue<string>()));
        // The fallback gets the same rendered input, as a fresh conversation.
        Assert.Equal([("system", "Answer with {\"city\": ...} only."), ("user", "somewhere")], requests[2].Turns);
    }

    [Fact]
    public async Task PluginFeedback_IsSentBackAsAFeedbackTurn()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Text("A long rambling answer"), ScriptedReply.Text("Short"));

        var result = await harness.RunAsync("""
            name: plugin-feedback
            steps:
              - name: answer
                maxRetries: 1
                agent: chat
                plugins:
                  - name: max_length
                    params: { max: 10 }
            """, JsonValue.Create("Say something"));

        Assert.Equal(RunStatus.Completed, result.Status);
        Assert.Equal("Short", result.Output.Text());
        var retry = harness.Server.Requests[1].Turns;
        Assert.Equal(("user", "Say something"), retry[0]);
        Assert.Equal(("assistant", "A long rambling answer"), retry[1]);
        Assert.StartsWith("Feedback on the previous attempt: ", retry[2].Content);
        Assert.Contains("10", retry[2].Content);
    }

    [Fact]
    public async Task CachedChatStep_SecondRunCallsNoModel_AndCostsNothing()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Text("cached answer", promptTokens: 1000, completionTokens: 100));
        const string Yaml = """
            name: cached
            steps:
              - name: answer
                cache: { enabled: true }
                agent: { name: chat, params: { instructions: "Be brief." } }
            """;

        var first = await harness.RunAsync(Yaml, JsonValue.Create("same question"));
        var second = await harness.RunAsync(Yaml, JsonValue.Create("same question"));

        Assert.Equal("cached answer", first.Output.Text());
        Assert.Equal("cached answer", second.Output.Text());
        Assert.Single(harness.Server.Requests);
        var hit = second.OnlyStep();
        Assert.Equal("true", hit.Meta("cache_hit"));
        Assert.Equal(0m, hit.CostUsd);
        Assert.Equal(first.OnlyStep().CostUsd, hit.Metadata["cached_cost_usd"]!.GetValue<decimal>());
        Assert.Equal((1000 * 0.15m + 100 * 0.60m) / 1_000_000m, first.OnlyStep().CostUsd);
    }

    [Fact]
    public async Task UnknownParameter_FailsAtOnceWithoutCallingTheModel()
    {
        await using var harness = await ChatHarness.StartAsync();

        var result = await harness.RunAsync("""
            name: bad-params
            steps:
              - name: answer
                maxRetries: 3
                agent: { name: chat, params: { temperture: 0.5 } }
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(1, step.Attempts);
        Assert.Equal("Agent execution failed with ArgumentException: chat: unknown parameter 'temperture'; expected one of: model, connection, instructions, temperature, maxOutputTokens, outputSchema, tools.", step.Feedback);
        Assert.Empty(harness.Server.Requests);
    }

    [Fact]
    public async Task MissingConnection_FailsAtOnceNamingTheConfigurationKeys()
    {
        await using var harness = await ChatHarness.StartAsync();

        var result = await harness.RunAsync("""
            name: no-connection
            steps:
              - name: answer
                maxRetries: 2
                agent: { name: chat, params: { connection: research } }
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(1, step.Attempts);
        Assert.Contains("Connection 'research' is not configured: set Flujo:Connections:research:Endpoint", step.Feedback);
        Assert.Contains("Flujo__Connections__research__ApiKey", step.Feedback);
    }
}
