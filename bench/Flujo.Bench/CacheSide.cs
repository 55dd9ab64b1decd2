using Flujo.Hosting.Engine;

namespace Flujo.Bench;

/// <summary>One engine measured by the Azurite cache-hit benchmark, and its figures (ms).</summary>
internal sealed class CacheSide(string label, FlujoEngine engine)
{
    public string Label { get; } = label;

    public FlujoEngine Engine { get; } = engine;

    public List<double> Steps { get; } = [];

    public List<double> Wholes { get; } = [];

    public List<double> BeforeLookup { get; } = [];

    public List<double> Lookups { get; } = [];

    public List<double> AfterLookup { get; } = [];
}
