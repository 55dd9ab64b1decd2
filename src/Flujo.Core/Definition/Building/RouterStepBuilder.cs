using System.Text.Json.Nodes;

namespace Flujo.Definition.Building;

/// <summary>Configures a router step: its agent picks which branches run; they run as a parallel step.</summary>
public sealed class RouterStepBuilder : StepBuilder<RouterStepBuilder, RouterStepDefinition>
{
    internal RouterStepBuilder(RouterStepDefinition step) : base(step) { }

    /// <summary>The router agent's own parameters.</summary>
    public RouterStepBuilder RouterParameters(JsonObject parameters)
    {
        Step.Router.Agent.Parameters = parameters;
        return this;
    }

    /// <summary>Configures the router's agent step (retries, processors, validators, …).</summary>
    public RouterStepBuilder RouterAgent(Action<AgentStepBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(new AgentStepBuilder(Step.Router));
        return this;
    }

    /// <summary>Adds a branch the router may pick by its name.</summary>
    public RouterStepBuilder Branch(string name, Action<StepListBuilder> steps)
    {
        Step.Branches.Add(new StepBranch(name, StepListBuilder.Build(steps)));
        return this;
    }

    /// <summary>Default <see cref="BranchFailurePolicy.Propagate"/>.</summary>
    public RouterStepBuilder OnBranchFailure(BranchFailurePolicy policy)
    {
        Step.OnBranchFailure = policy;
        return this;
    }

    /// <summary>Default <see cref="MergeStrategy.ContextUpdate"/>.</summary>
    public RouterStepBuilder Merge(MergeStrategy merge)
    {
        Step.Merge = merge;
        return this;
    }
}
