using Flujo.Agents;

namespace Flujo.BuiltIns.Agents;

/// <summary>
/// <c>fail</c> (a testing and demo agent): throws <see cref="InvalidOperationException"/> with <c>message</c>
/// (default <c>Simulated failure</c>). With <c>failTimes</c> it fails only while the attempt number is at most
/// <c>failTimes</c>, then behaves like <c>echo</c> (and takes its <c>prefix</c>).
/// </summary>
public sealed class FailAgent : IAgent
{
    public const string RegisteredName = "fail";

    public const string DefaultMessage = "Simulated failure";

    public Task<AgentResponse> InvokeAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var parameters = new BuiltInParameters(RegisteredName, request.Parameters, "message", "failTimes", "prefix", BuiltInUsage.CostPerTokenParameter);
        var message = parameters.OptionalString("message") ?? DefaultMessage;
        var failTimes = parameters.OptionalInt("failTimes", minimum: 0);

        if (failTimes is null || request.Attempt <= failTimes)
            throw new InvalidOperationException(message);
        return Task.FromResult(EchoAgent.Echo(request, parameters));
    }
}
