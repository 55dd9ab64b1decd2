using System.Text.Json.Nodes;
using Flujo.Agents.Pricing;
using Flujo.Agents.Tests.Support;
using Flujo.Results;

namespace Flujo.Agents.Tests;

/// <summary>Cost from the provider's usage and the price table (SEMANTICS §5, §11).</summary>
public sealed class ChatPricingTests
{
    [Fact]
    public async Task UsageLimit_HoldsOnRealSpend_RunStopsAfterTheBreachingStep()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Settings["Flujo:Pricing:Models:priced-model:InputPerMillion"] = "1000";
        harness.Settings["Flujo:Pricing:Models:priced-model:OutputPerMillion"] = "2000";
        // Each call: 100 × $1000 + 50 × $2000 per million = $0.20.
        harness.Reply(
            ScriptedReply.Text("one", promptTokens: 100, completionTokens: 50),
            ScriptedReply.Text("two", promptTokens: 100, completionTokens: 50),
            ScriptedReply.Text("three", promptTokens: 100, completionTokens: 50));

        var result = await harness.RunAsync("""
            name: spend
            limits: { totalCostUsd: 0.3 }
            steps:
              - name: first
                agent: { name: chat, params: { model: priced-model } }
              - name: second
                agent: { name: chat, params: { model: priced-model } }
              - name: third
                agent: { name: chat, params: { model: priced-model } }
            """, JsonValue.Create("go"));

        Assert.Equal(RunStatus.UsageLimitExceeded, result.Status);
        Assert.Equal("Cost limit of $0.3 exceeded", result.Error);
        Assert.Equal(["first", "second"], result.StepHistory.Select(s => s.Name));
        Assert.Equal(0.2m, result.StepHistory[0].CostUsd);
        Assert.Equal(0.4m, result.TotalCostUsd);
        Assert.Equal(2, harness.Server.Requests.Count);
    }

    [Fact]
    public async Task UnknownModel_CostsZero_WithAMetadataNoteAndAWarning()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Reply(ScriptedReply.Text("hello", promptTokens: 30, completionTokens: 7));

        var result = await harness.RunAsync("""
            name: unknown-model
            steps:
              - name: answer
                agent: { name: chat, params: { connection: other, model: mystery-model } }
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(0m, step.CostUsd);
        Assert.Equal(new TokenUsage(30, 7), step.Tokens);
        Assert.Equal("unknown model", step.Meta("pricing"));
        Assert.Contains(harness.Logs.Lines, l => l.StartsWith("Warning", StringComparison.Ordinal) && l.Contains("mystery-model is not in the price table", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnknownModel_WithStrictPricing_FailsTheStepWithoutRetrying()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Settings["Flujo:Pricing:Strict"] = "true";
        harness.Reply(ScriptedReply.Text("hello"), ScriptedReply.Text("hello"));

        var result = await harness.RunAsync("""
            name: strict-pricing
            steps:
              - name: answer
                maxRetries: 1
                agent: { name: chat, params: { connection: other, model: mystery-model } }
            """, JsonValue.Create("hi"));

        Assert.Equal(RunStatus.Failed, result.Status);
        var step = result.OnlyStep();
        Assert.Equal(1, step.Attempts);
        Assert.Equal(
            "Agent execution failed with AgentCallException: Model 'mystery-model' has no price and strict pricing is on: add Flujo:Pricing:Models:mystery-model:InputPerMillion and :OutputPerMillion.",
            step.Feedback);
    }

    [Fact]
    public async Task ConfigurationOverridesAShippedPrice()
    {
        await using var harness = await ChatHarness.StartAsync();
        harness.Settings["Flujo:Pricing:Models:gpt-4o-mini:InputPerMillion"] = "1";
        harness.Settings["Flujo:Pricing:Models:gpt-4o-mini:OutputPerMillion"] = "4";
        harness.Reply(ScriptedReply.Text("hello", promptTokens: 1_000_000, completionTokens: 500_000, cachedTokens: 400_000));

        var result = await harness.RunAsync("""
            name: override
            steps:
              - name: answer
                agent: chat
            """, JsonValue.Create("hi"));

        // No cached rate configured: cached input is charged at the input rate.
        Assert.Equal(1m + 2m, result.OnlyStep().CostUsd);
    }

    [Theory]
    [InlineData("gpt-4o", 2.50)]
    [InlineData("GPT-4o", 2.50)]
    [InlineData("gpt-4o-2024-08-06", 2.50)]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15)]
    [InlineData("llama3.1:8b", 0.0)]
    [InlineData("mistral-large-latest", null)]
    [InlineData("gpt-4o-audio", null)]
    public void ShippedTable_FindsModelsExactlyOrByVersionOrTag(string model, double? inputPerMillion)
    {
        var price = PriceTable.Create().Find(model);
        Assert.Equal(inputPerMillion is null ? null : (decimal)inputPerMillion.Value, price?.InputPerMillion);
    }

    [Fact]
    public void Cost_ChargesCachedInputAtTheCachedRate()
    {
        var price = new ModelPrice(InputPerMillion: 2m, OutputPerMillion: 8m, CachedInputPerMillion: 0.5m);
        Assert.Equal((600 * 2m + 400 * 0.5m + 100 * 8m) / 1_000_000m, price.Cost(inputTokens: 1000, outputTokens: 100, cachedInputTokens: 400));
    }
}
