using Flujo.Definition;

namespace Flujo.Durable.Orchestration;

/// <summary>
/// Live spending of one orchestration against every budget in force (the run's and those of the enclosing steps).
/// Attempts add their cost as they finish; runners check at the SEMANTICS §5 points (after every step, loop iteration,
/// map item and parallel join) and stop scheduling new work once <see cref="Breach"/> is set.
/// </summary>
public sealed class UsageMeter
{
    private readonly List<UsageBudget> _budgets;

    public UsageMeter(IEnumerable<UsageBudget>? budgets = null) => _budgets = [.. budgets ?? []];

    /// <summary>The first breach seen; once set, the run ends <c>usage_limit_exceeded</c> with this message.</summary>
    public string? Breach { get; private set; }

    /// <summary>Spent in this orchestration (not counting what was spent before it started).</summary>
    public decimal SpentCostUsd { get; private set; }

    public long SpentTokens { get; private set; }

    /// <summary>The budgets in force, with their spending so far (handed to sub-orchestrations).</summary>
    public IReadOnlyList<UsageBudget> Budgets => _budgets;

    public void Add(decimal costUsd, long tokens)
    {
        SpentCostUsd += costUsd;
        SpentTokens += tokens;
        foreach (var budget in _budgets)
        {
            budget.SpentCostUsd += costUsd;
            budget.SpentTokens += tokens;
        }
    }

    /// <summary>Starts a step's own budget; spending from now on counts against it until <see cref="Pop"/>.</summary>
    public UsageBudget? Push(UsageLimits? limits)
    {
        if (limits is null || limits.TotalCostUsdLimit is null && limits.TotalTokensLimit is null) return null;
        var budget = new UsageBudget { Limits = limits };
        _budgets.Add(budget);
        return budget;
    }

    public void Pop(UsageBudget? budget)
    {
        if (budget is not null) _budgets.Remove(budget);
    }

    /// <summary>Checks every budget; records and returns the first breach.</summary>
    public string? Check()
    {
        if (Breach is not null) return Breach;
        foreach (var budget in _budgets)
        {
            if (budget.Breach() is { } breach)
            {
                Breach = breach;
                break;
            }
        }
        return Breach;
    }

    /// <summary>Records a breach found elsewhere (a sub-orchestration's).</summary>
    public void SetBreach(string breach) => Breach ??= breach;
}
