using System.Text.Json.Nodes;
using Flujo.Agents;

namespace Flujo.BuiltIns.Agents;

/// <summary>
/// <c>echo</c>: returns its input unchanged; <c>prefix</c> is prepended to a string input. Usage: tokens estimated as
/// characters / 4 rounded up, cost = <c>costPerToken</c> × total tokens.
/// </summary>
public sealed class EchoAgent : IAgent
{
    public const string RegisteredName = "echo";

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new BuiltInParameters(RegisteredName, request.Parameters, "prefix", BuiltInUsage.CostPerTokenParameter);
        return Task.FromResult(Echo(request, parameters));
    }

    /// <summary>The echo behaviour, shared with <c>fail</c> once its failures are used up.</summary>
    internal static AgentResponse Echo(AgentRequest request, BuiltInParameters parameters)
    {
        var prefix = parameters.OptionalString("prefix");
        var costPerToken = parameters.OptionalNonNegativeDecimal(BuiltInUsage.CostPerTokenParameter, 0m);
        var text = BuiltInText.AsString(request.Input);
        var output = prefix is not null && text is not null ? JsonValue.Create(prefix + text) : request.Input?.DeepClone();
        return BuiltInUsage.Respond(request.Input, output, costPerToken);
    }
}
