using System.Text.Json.Nodes;
using Flujo.Conditions;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Durable.Activities;

/// <summary>
/// Calls a registered condition function (a conditional's key, a loop's exit check). An activity, so the function may do
/// I/O and its answer is recorded: replays read it from history instead of calling again.
/// </summary>
[DurableTask(FlujoTaskNames.ConditionFunctionActivity)]
public sealed class ConditionFunctionActivity : TaskActivity<ConditionFunctionRequest, JsonNode?>
{
    private readonly IServiceScopeFactory _scopes;

    public ConditionFunctionActivity(IServiceScopeFactory scopes) => _scopes = scopes;

    public override async Task<JsonNode?> RunAsync(TaskActivityContext context, ConditionFunctionRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using var scope = _scopes.CreateAsyncScope();
        var function = scope.ServiceProvider.GetKeyedService<IConditionFunction>(input.Function)
            ?? throw new InvalidOperationException($"No condition function named '{input.Function}' is registered.");
        return await function.InvokeAsync(new ConditionContext
        {
            StepPath = input.StepPath,
            Input = input.Input,
            Previous = input.Previous,
            Context = input.Context,
            Steps = input.Steps,
            Iteration = input.Iteration,
        }, CancellationToken.None);
    }
}
