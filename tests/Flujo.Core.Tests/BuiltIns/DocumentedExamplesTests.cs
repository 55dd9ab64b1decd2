using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flujo.Definition;
using Flujo.Definition.Loading;
using Flujo.Execution;
using Flujo.Registration;
using Microsoft.Extensions.DependencyInjection;

namespace Flujo.Core.Tests.BuiltIns;

/// <summary>
/// Every YAML example in docs/built-ins.md loads against the built-ins' catalog, and its steps do what the page says
/// when run through the real single-attempt executor.
/// </summary>
public sealed partial class DocumentedExamplesTests
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddFlujoBuiltIns().BuildServiceProvider();
    private static readonly Lazy<IReadOnlyDictionary<string, PipelineDefinition>> Examples = new(LoadExamples);

    [Fact]
    public void Docs_EveryYamlExample_LoadsWithTheBuiltInCatalog()
    {
        Assert.Equal(
            ["extract-order", "letter", "profile", "reshape", "resilient", "summary", "triage"],
            Examples.Value.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Docs_ExtractOrder_StripsFenceAndEnforcesObject()
    {
        var outcome = await RunAsync("extract-order", "extract", JsonValue.Create("Here:\n```json\n{\"id\": 7}\n```"));
        Assert.True(outcome.Succeeded, outcome.Feedback);
        Assert.Equal("""{"id":7}""", outcome.Output!.ToJsonString());

        var notAnObject = await RunAsync("extract-order", "extract", JsonValue.Create("```json\n[7]\n```"));
        Assert.Equal(AttemptStatus.OutputProcessorFailed, notAnObject.Status);
        Assert.Equal("Processor failed: enforce_json: expected a JSON object, got text holding an array.", notAnObject.Feedback);
    }

    [Fact]
    public async Task Docs_Summary_MissingKeyFailsPluginWithFeedbackForTheRetry()
    {
        var outcome = await RunAsync("summary", "summarize", JsonValue.Create("""{"title":"T"}"""));
        Assert.Equal(AttemptStatus.PluginFailed, outcome.Status);
        Assert.Equal("Plugin validation failed: Missing required keys: summary", outcome.Feedback);
        Assert.Equal("Missing required keys: summary", outcome.RetryFeedback);

        var good = await RunAsync("summary", "summarize", JsonValue.Create("""{"title":"T","summary":"S"}"""));
        Assert.True(good.Succeeded, good.Feedback);
    }

    [Fact]
    public async Task Docs_Profile_SchemaErrorsKeepOutputAndGreetingValidates()
    {
        var invalid = await RunAsync("profile", "profile", JsonValue.Create("```json\n{\"name\":\"Ada\",\"age\":\"old\"}\n```"));
        Assert.Equal(AttemptStatus.ValidationFailed, invalid.Status);
        Assert.Equal("Validation failed: json_schema: /age: Value is \"string\" but should be \"integer\"", invalid.Feedback);
        Assert.Equal("""{"name":"Ada","age":"old"}""", invalid.Output!.ToJsonString());

        var valid = await RunAsync("profile", "profile", JsonValue.Create("```json\n{\"name\":\"Ada\",\"age\":36}\n```"));
        Assert.True(valid.Succeeded, valid.Feedback);

        var greeting = await RunAsync("profile", "greeting", valid.Output);
        Assert.True(greeting.Succeeded, greeting.Feedback);
        Assert.Equal("Hello Ada!", greeting.Output!.GetValue<string>());
    }

    [Fact]
    public async Task Docs_Letter_RendersInputAndInitialContextWithCost()
    {
        var pipeline = Examples.Value["letter"];
        var outcome = await RunAsync("letter", "write", JsonNode.Parse("""{"name":"Ada"}"""), context: pipeline.InitialContext);
        Assert.True(outcome.Succeeded, outcome.Feedback);
        Assert.Equal("Dear Ada, thank you for choosing Contoso.", outcome.Output!.GetValue<string>());
        // {"name":"Ada"} is 14 characters (4 tokens); the 41-character letter is 11 tokens.
        Assert.Equal(15, outcome.Tokens.Total);
        Assert.Equal(0.00015m, outcome.CostUsd);
    }

    [Fact]
    public async Task Docs_Triage_ClassifiesTheBodyField()
    {
        var outcome = await RunAsync("triage", "classify", JsonNode.Parse("""{"subject":"Invoice","body":"Login error after the timeout"}"""));
        Assert.True(outcome.Succeeded, outcome.Feedback);
        Assert.Equal("""{"category":"technical","matches":["error","login","timeout"],"score":3}""", outcome.Output!.ToJsonString());

        var nothing = await RunAsync("triage", "classify", JsonNode.Parse("""{"body":"Thanks!"}"""));
        Assert.Equal("""{"category":"general","matches":[],"score":0}""", nothing.Output!.ToJsonString());
    }

    [Fact]
    public async Task Docs_Reshape_BuildsTheDocumentedObject()
    {
        var outcome = await RunAsync("reshape", "reshape", JsonNode.Parse("""{"user":{"first":"Ada","last":"Lovelace"},"items":[1,2,3],"vip":true}"""));
        Assert.True(outcome.Succeeded, outcome.Feedback);
        Assert.Equal("""{"fullName":"Ada Lovelace","itemCount":3,"vip":true,"tags":["lovelace"]}""", outcome.Output!.ToJsonString());
    }

    [Fact]
    public async Task Docs_Resilient_FlakyRecoversOnSecondAttemptAndPrimaryNeedsItsFallback()
    {
        var first = await RunAsync("resilient", "flaky", JsonValue.Create("x"), attempt: 1);
        Assert.Equal(AttemptStatus.AgentFailed, first.Status);
        Assert.Equal("Agent execution failed with InvalidOperationException: Simulated failure", first.Feedback);
        var second = await RunAsync("resilient", "flaky", JsonValue.Create("x"), attempt: 2);
        Assert.Equal("recovered: x", second.Output!.GetValue<string>());

        var primary = await RunAsync("resilient", "primary", JsonValue.Create("question"));
        Assert.Equal("Agent execution failed with InvalidOperationException: Upstream model unavailable", primary.Feedback);
        Assert.True(primary.AllowsFallback);
        var backup = await RunAsync("resilient", "backup", JsonValue.Create("question"));
        Assert.Equal("from backup: question", backup.Output!.GetValue<string>());
    }

    private static Task<AttemptOutcome> RunAsync(string pipeline, string step, JsonNode? input, int attempt = 1, JsonObject? context = null)
    {
        var definition = Examples.Value[pipeline];
        var agentStep = (AgentStepDefinition)(definition.FindStep(step) ?? throw new InvalidOperationException($"No step '{step}' in '{pipeline}'"));
        return new StepAttemptExecutor(Services).ExecuteAsync(new StepAttemptRequest
        {
            RunId = "docs",
            Step = agentStep,
            Input = input,
            Attempt = attempt,
            Context = (JsonObject?)context?.DeepClone() ?? new JsonObject(),
        });
    }

    private static IReadOnlyDictionary<string, PipelineDefinition> LoadExamples()
    {
        var catalog = Services.GetRequiredService<IComponentCatalog>();
        var markdown = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "built-ins.md"));
        var examples = new Dictionary<string, PipelineDefinition>(StringComparer.Ordinal);
        foreach (Match block in YamlBlock().Matches(markdown))
        {
            var pipeline = PipelineLoader.Load(block.Groups["yaml"].Value, "docs/built-ins.md", catalog);
            examples.Add(pipeline.Name, pipeline);
        }
        return examples;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Flujo.Functions.sln"))) return dir.FullName;
        throw new InvalidOperationException("Flujo.Functions.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^```yaml\r?\n(?<yaml>[\s\S]*?)^```", RegexOptions.Multiline)]
    private static partial Regex YamlBlock();
}
