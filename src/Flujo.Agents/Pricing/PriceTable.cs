using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flujo.Agents.Pricing;

/// <summary>
/// Prices per model (SEMANTICS §11): the shipped table (prices.json, an embedded resource) with configuration overrides
/// on top. A model id is found exactly (ignoring case), else by its longest listed prefix followed by <c>:</c> (an Ollama
/// tag: <c>llama3.1:8b</c>) or by <c>-</c> and a digit (a dated version: <c>gpt-4o-2024-08-06</c>).
/// </summary>
public sealed class PriceTable
{
    private const string ResourceName = "Flujo.Agents.Pricing.prices.json";
    private readonly Dictionary<string, ModelPrice> _prices;

    public PriceTable(IReadOnlyDictionary<string, ModelPrice> prices, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _prices = new Dictionary<string, ModelPrice>(prices, StringComparer.OrdinalIgnoreCase);
        Strict = strict;
    }

    /// <summary>When true, an unknown model fails the attempt instead of costing 0.</summary>
    public bool Strict { get; }

    /// <summary>The models listed.</summary>
    public IReadOnlyCollection<string> Models => _prices.Keys;

    /// <summary>The shipped table with <paramref name="options"/> (configuration) applied over it.</summary>
    public static PriceTable Create(PricingOptions? options = null)
    {
        var prices = Shipped();
        if (options is not null)
        {
            foreach (var (model, price) in options.Models)
            {
                if (price.InputPerMillion < 0 || price.OutputPerMillion < 0 || price.CachedInputPerMillion < 0)
                    throw new ArgumentException($"{PricingOptions.SectionName}:Models:{model}: prices must be 0 or more (USD per million tokens).");
                prices[model] = new ModelPrice(price.InputPerMillion, price.OutputPerMillion, price.CachedInputPerMillion);
            }
        }
        return new PriceTable(prices, options?.Strict ?? false);
    }

    /// <summary>The table shipped with Flujo (prices.json).</summary>
    public static Dictionary<string, ModelPrice> Shipped()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded price table {ResourceName} is missing.");
        var root = JsonNode.Parse(stream)?["models"] as JsonObject
            ?? throw new InvalidOperationException($"The embedded price table {ResourceName} has no 'models' object.");
        var prices = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, entry) in root)
        {
            prices[model] = new ModelPrice(
                Read(entry, "inputPerMillion") ?? 0m,
                Read(entry, "outputPerMillion") ?? 0m,
                Read(entry, "cachedInputPerMillion"));
        }
        return prices;
    }

    /// <summary>The price of the first of <paramref name="modelIds"/> that the table knows, or null.</summary>
    public ModelPrice? Find(params string?[] modelIds)
    {
        foreach (var id in modelIds)
            if (!string.IsNullOrWhiteSpace(id) && _prices.TryGetValue(id, out var price)) return price;
        foreach (var id in modelIds)
            if (!string.IsNullOrWhiteSpace(id) && FindByPrefix(id) is { } price) return price;
        return null;
    }

    private ModelPrice? FindByPrefix(string model)
    {
        ModelPrice? best = null;
        var bestLength = 0;
        foreach (var (key, price) in _prices)
        {
            if (key.Length <= bestLength || model.Length <= key.Length || !model.StartsWith(key, StringComparison.OrdinalIgnoreCase)) continue;
            var next = model[key.Length];
            var isTag = next == ':';
            var isVersion = next == '-' && model.Length > key.Length + 1 && char.IsAsciiDigit(model[key.Length + 1]);
            if (!isTag && !isVersion) continue;
            best = price;
            bestLength = key.Length;
        }
        return best;
    }

    private static decimal? Read(JsonNode? entry, string name) =>
        entry?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<decimal>() : null;
}
