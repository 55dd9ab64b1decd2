using Flujo.Agents;
using Flujo.Templates;

namespace Flujo.BuiltIns.Agents;

/// <summary>
/// <c>template</c>: renders the Liquid <c>template</c> parameter over <c>input</c> (and <c>previous</c>, the same value)
/// and <c>context</c>. Text that is a JSON object or array becomes that JSON; other text is a string. <c>now</c> is the
/// Unix epoch, so the output is deterministic.
/// </summary>
public sealed class TemplateAgent : IAgent
{
    public const string RegisteredName = "template";

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new BuiltInParameters(RegisteredName, request.Parameters, "template", BuiltInUsage.CostPerTokenParameter);
        var template = parameters.RequireString("template", "a Liquid template string");
        var costPerToken = parameters.OptionalNonNegativeDecimal(BuiltInUsage.CostPerTokenParameter, 0m);

        var output = TemplateRenderer.Render(template, Data(request), DateTimeOffset.UnixEpoch);
        return Task.FromResult(BuiltInUsage.Respond(request.Input, output, costPerToken));
    }

    /// <summary>What the built-in agents' templates see: the request input as <c>input</c> and <c>previous</c>, and the context.</summary>
    internal static TemplateData Data(AgentRequest request) => new()
    {
        Input = request.Input,
        Previous = request.Input,
        Context = request.Context,
    };
}
