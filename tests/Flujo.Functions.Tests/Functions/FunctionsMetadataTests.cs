using System.Text.Json.Nodes;
using Flujo.Durable.Registration;

namespace Flujo.Functions.Tests.Functions;

/// <summary>
/// Reads the functions.metadata the Worker SDK generates when Flujo.Functions builds (this project references it, so it is
/// built first): a renamed or dropped function, or a changed trigger, fails here without the Functions host.
/// </summary>
public sealed class FunctionsMetadataTests
{
    private static readonly Lazy<JsonArray> Metadata = new(Load);

    private static JsonArray Load()
    {
        var testBin = AppContext.BaseDirectory;
        var root = new DirectoryInfo(testBin);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Flujo.Functions.sln"))) root = root.Parent;
        Assert.NotNull(root);
        // tests/Flujo.Functions.Tests/bin/<Configuration>/<tfm>/ → src/Flujo.Functions/bin/<Configuration>/<tfm>/
        var tfm = new DirectoryInfo(testBin).Name;
        var configuration = new DirectoryInfo(testBin).Parent!.Name;
        var candidates = new[]
        {
            Path.Combine(root.FullName, "src", "Flujo.Functions", "bin", configuration, tfm, "functions.metadata"),
            Path.Combine(testBin, "functions.metadata"),
        };
        var path = candidates.FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"functions.metadata not found; looked at {string.Join(", ", candidates)}. Build src/Flujo.Functions first.");
        return JsonNode.Parse(File.ReadAllText(path))!.AsArray();
    }

    private static JsonObject Function(string name) =>
        Metadata.Value.Select(f => f!.AsObject()).SingleOrDefault(f => f["name"]!.GetValue<string>() == name)
        ?? throw new Xunit.Sdk.XunitException($"Function '{name}' is missing from functions.metadata; found: {string.Join(", ", Metadata.Value.Select(f => f!["name"]))}");

    private static JsonObject Trigger(string function) =>
        Function(function)["bindings"]!.AsArray().Select(b => b!.AsObject()).Single(b => b["type"]!.GetValue<string>().EndsWith("Trigger", StringComparison.Ordinal));

    [Fact]
    public void ExactlyTheExpectedFunctionsExist()
    {
        var names = Metadata.Value.Select(f => f!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal);

        Assert.Equal(["CancelRun", "Dashboard", "FlujoAgentAttempt", "FlujoCacheLookup", "FlujoCacheStore", "FlujoConditionFunction", "FlujoHooks", "FlujoPipeline", "FlujoScope", "GetRun", "GetRunTimeline", "ListPipelines", "ListRuns", "ResumeRun", "StartRun", "StartRunFromQueue", "UnmatchedRoute"], names);
    }

    [Fact]
    public void EveryOrchestratorAndActivityFlujoDurableRegisters_HasItsTrigger()
    {
        foreach (var (name, _) in FlujoDurableTasks.Orchestrators)
            Assert.Equal("orchestrationTrigger", Trigger(name.Name)["type"]!.GetValue<string>());
        foreach (var (name, _) in FlujoDurableTasks.Activities)
            Assert.Equal("activityTrigger", Trigger(name.Name)["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("StartRun", "post", "pipelines/{name}/runs")]
    [InlineData("GetRun", "get", "runs/{id}")]
    [InlineData("ListRuns", "get", "runs")]
    [InlineData("GetRunTimeline", "get", "runs/{id}/timeline")]
    [InlineData("CancelRun", "post", "runs/{id}/cancel")]
    [InlineData("ResumeRun", "post", "runs/{id}/resume")]
    [InlineData("ListPipelines", "get", "pipelines")]
    public void HttpFunctions_HaveRouteMethodAndFunctionKey(string function, string method, string route)
    {
        var trigger = Trigger(function);

        Assert.Equal("httpTrigger", trigger["type"]!.GetValue<string>());
        Assert.Equal(route, trigger["route"]!.GetValue<string>());
        Assert.Equal([method], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()));
        Assert.Equal("Function", trigger["authLevel"]!.GetValue<string>());
        Assert.Contains(Function(function)["bindings"]!.AsArray(), b => b!["type"]!.GetValue<string>() == "durableClient");
    }

    /// <summary>Every HTTP-triggered function: its name, route, methods (lower case) and authorization level.</summary>
    public static IReadOnlyList<(string Function, string Route, IReadOnlyList<string> Methods, string AuthLevel)> HttpRoutes() =>
        Metadata.Value.Select(f => f!["name"]!.GetValue<string>())
            .Select(name => (Name: name, Trigger: Trigger(name)))
            .Where(f => f.Trigger["type"]!.GetValue<string>() == "httpTrigger")
            .Select(f => (f.Name, f.Trigger["route"]!.GetValue<string>(),
                (IReadOnlyList<string>)f.Trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()).ToList(),
                f.Trigger["authLevel"]!.GetValue<string>()))
            .ToList();

    [Fact]
    public void DashboardFunction_ServesEverythingUnderDashboard_WithAFunctionKey()
    {
        var trigger = Trigger("Dashboard");

        Assert.Equal("httpTrigger", trigger["type"]!.GetValue<string>());
        Assert.Equal("dashboard/{*path}", trigger["route"]!.GetValue<string>());
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()));
        Assert.Equal("Function", trigger["authLevel"]!.GetValue<string>());
    }

    [Fact]
    public void QueueFunction_ListensOnFlujoRuns()
    {
        var trigger = Trigger("StartRunFromQueue");

        Assert.Equal("queueTrigger", trigger["type"]!.GetValue<string>());
        Assert.Equal("flujo-runs", trigger["queueName"]!.GetValue<string>());
    }
}
