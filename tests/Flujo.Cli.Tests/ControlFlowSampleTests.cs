using Flujo.Cli.Tests.Support;
using Flujo.Results;

namespace Flujo.Cli.Tests;

/// <summary>The control-flow samples do what their comments say, through <c>flujo run --json</c>.</summary>
public sealed class ControlFlowSampleTests : IDisposable
{
    private readonly TempFolder _folder = new();

    [Fact]
    public async Task ReviewLoop_BillingRequest_LoopsUntilTheReviewApproves_OutputIsTheApprovedDraft()
    {
        var cli = await _folder.FlujoAsync("run", Repo.Sample("review-loop.yaml"), "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        var route = result.StepHistory.Single(s => s.Name == "route");
        Assert.Equal("billing", route.Metadata[MetadataKeys.ExecutedBranchKey]!.GetValue<string>());
        var refine = Assert.Single(route.StepHistory);
        Assert.Equal(3, refine.Attempts);
        Assert.Equal("condition", refine.Metadata[MetadataKeys.ExitReason]!.GetValue<string>());
        Assert.Equal(["refine[1]", "refine[2]", "refine[3]"], refine.StepHistory.Select(s => s.Name));
        Assert.Equal("Reply v3: we will refund the duplicate payment within 3 business days. We are sorry for the trouble.", result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task ReviewLoop_TechnicalRequest_TakesTheOtherBranch()
    {
        var cli = await _folder.FlujoAsync("run", Repo.Sample("review-loop.yaml"), "--json", "--input", "The app shows an error after login");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        Assert.Equal("technical", result.StepHistory[1].Metadata[MetadataKeys.ExecutedBranchKey]!.GetValue<string>());
        Assert.StartsWith("Please restart the app", result.Output!.GetValue<string>());
    }

    [Fact]
    public async Task ResearchFanout_MapsEveryDocument_BranchesMergeTheirContextUpdates()
    {
        var cli = await _folder.FlujoAsync("run", Repo.Sample("research-fanout.yaml"), "--json");

        Assert.True(cli.ExitCode == ExitCodes.Success, cli.ToString());
        var (result, _) = ResultJson.Parse(cli);
        var summaries = result.StepHistory.Single(s => s.Name == "summaries");
        Assert.Equal(["summaries[0]", "summaries[1]", "summaries[2]"], summaries.StepHistory.Select(s => s.Name));
        Assert.StartsWith("Orchestrations:", summaries.Output![0]!.GetValue<string>());
        Assert.StartsWith("Timers:", summaries.Output![2]!.GetValue<string>());
        Assert.Equal(3, result.FinalContext["sources"]!.GetValue<int>());
        Assert.Equal("waiting", result.FinalContext["theme"]!.GetValue<string>());
        Assert.StartsWith("Report on durable workflows from 3 sources (main theme: waiting).", result.Output!.GetValue<string>());
    }

    public void Dispose() => _folder.Dispose();
}
