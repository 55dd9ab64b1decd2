using System.Text.Json.Nodes;
using Flujo.Agents;
using Flujo.Json;
using Flujo.Templates;

namespace Flujo.BuiltIns.Agents;

/// <summary>
/// <c>json_transform</c>: builds an object from <c>mapping</c> (output key → Liquid template over <c>input</c> and
/// <c>context</c>), keys in the order declared. A rendered value that is JSON (object, array, number, true, false,
/// null, quoted string) becomes that JSON; any other text stays a string.
/// </summary>
public sealed class JsonTransformAgent : IAgent
{
    public const string RegisteredName = "json_transform";

    private const string MappingExpected = "an object mapping output keys to Liquid template strings";

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new BuiltInParameters(RegisteredName, request.Parameters, "mapping", BuiltInUsage.CostPerTokenParameter);
        var mapping = parameters.RequireObject("mapping", MappingExpected);
        var costPerToken = parameters.OptionalNonNegativeDecimal(BuiltInUsage.CostPerTokenParameter, 0m);
        if (mapping.Count == 0) throw parameters.Invalid("mapping", MappingExpected, mapping);

        var templates = new List<(string Key, string Template)>(mapping.Count);
        foreach (var (key, value) in mapping)
        {
            if (value is null || !BuiltInParameters.TryGetString(value, out var template))
                throw parameters.Invalid($"mapping.{key}", "a Liquid template string", value);
            templates.Add((key, template));
        }

        var data = TemplateAgent.Data(request);
        var output = new JsonObject();
        foreach (var (key, template) in templates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rendered = TemplateRenderer.Render(template, data, DateTimeOffset.UnixEpoch);
            output[key] = BuiltInText.AsString(rendered) is { } text ? FlujoJson.ParseOrString(text) : rendered;
        }
        return Task.FromResult(BuiltInUsage.Respond(request.Input, output, costPerToken));
    }
}
