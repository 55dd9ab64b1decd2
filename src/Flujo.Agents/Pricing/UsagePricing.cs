using System.Text.Json.Nodes;
using Flujo.Results;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Flujo.Agents.Pricing;

/// <summary>Turns a provider's usage report into the attempt's tokens and cost (SEMANTICS §11).</summary>
internal static class UsagePricing
{
    public const string PricingKey = "pricing";
    public const string UnknownModel = "unknown model";
    public const string CachedInputTokensKey = "cached_input_tokens";

    /// <summary>
    /// Tokens from <paramref name="usage"/>, cost from the first of <paramref name="models"/> the table prices. An unpriced
    /// model costs 0, logs a warning and notes <c>pricing: "unknown model"</c> in <paramref name="metadata"/>; with strict
    /// pricing it throws a non-transient <see cref="AgentCallException"/> instead.
    /// </summary>
    public static (TokenUsage Tokens, decimal Cost) Price(PriceTable prices, ILogger logger, UsageDetails? usage, JsonObject metadata, string stepName, params string?[] models)
    {
        var input = usage?.InputTokenCount ?? 0;
        var output = usage?.OutputTokenCount ?? 0;
        var cached = usage?.CachedInputTokenCount ?? 0;
        var tokens = new TokenUsage(input, output);
        if (cached > 0) metadata[CachedInputTokensKey] = cached;

        var price = prices.Find(models);
        if (price is not null) return (tokens, price.Cost(input, output, cached));

        var model = models.FirstOrDefault(m => !string.IsNullOrWhiteSpace(m)) ?? "(none)";
        if (prices.Strict)
            throw new AgentCallException(
                $"Model '{model}' has no price and strict pricing is on: add {PricingOptions.SectionName}:Models:{model}:InputPerMillion and :OutputPerMillion.",
                transient: false);

        logger.LogWarning("Step {Step}: model {Model} is not in the price table; its {Tokens} tokens cost 0. Add {Section}:Models:{Model2}.",
            stepName, model, tokens.Total, PricingOptions.SectionName, model);
        metadata[PricingKey] = UnknownModel;
        return (tokens, 0m);
    }
}
