using Flujo.Execution;

namespace Flujo.Core.Tests.Execution;

/// <summary>The "retried?" and "then" columns of the SEMANTICS §2 table, per status.</summary>
public sealed class AttemptOutcomeTests
{
    [Theory]
    [InlineData(AttemptStatus.Succeeded, true, false, false)]
    [InlineData(AttemptStatus.PromptProcessorFailed, false, false, false)] // no retry, no fallback
    [InlineData(AttemptStatus.AgentFailed, false, true, true)]             // throws / times out: retried, then fallback
    [InlineData(AttemptStatus.OutputProcessorFailed, false, true, true)]   // retried, then fallback
    [InlineData(AttemptStatus.PluginFailed, false, true, true)]            // retried with feedback, then fallback
    [InlineData(AttemptStatus.ValidationFailed, false, false, true)]       // not retried, fallback at once
    public void Status_DecidesRetryAndFallback(AttemptStatus status, bool succeeded, bool retryable, bool allowsFallback)
    {
        var outcome = new AttemptOutcome { Status = status };

        Assert.Equal(succeeded, outcome.Succeeded);
        Assert.Equal(retryable, outcome.IsRetryable);
        Assert.Equal(allowsFallback, outcome.AllowsFallback);
    }

    [Fact]
    public void EveryStatus_IsCoveredByTheTable()
    {
        // A new status must be added to Status_DecidesRetryAndFallback with its SEMANTICS row.
        Assert.Equal(6, Enum.GetValues<AttemptStatus>().Length);
    }
}
