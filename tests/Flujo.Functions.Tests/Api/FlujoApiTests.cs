using System.Text;
using System.Text.Json.Nodes;
using Flujo.Api;
using Flujo.Api.Http;
using Flujo.Functions.Tests.Support;
using Flujo.Durable.Runs;
using Microsoft.DurableTask.Client;

namespace Flujo.Functions.Tests.Api;

/// <summary>The host-neutral API without any Functions types (what the local server shares).</summary>
public sealed class FlujoApiTests
{
    private static readonly Uri Base = new("http://localhost:7071/api/pipelines/plain/runs");
    private readonly FakeDurableClient _durable = new();

    private FlujoApi Api(FlujoApiOptions? options = null) =>
        new(TestPipelines.Catalog(), new DurableTaskClientRunClient(_durable.Client), options: options);

    private static Stream Body(string text) => new MemoryStream(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task StartRun_EmptyBody_UsesDefaultInput_LinksPointAtFlujoApi()
    {
        var response = await Api().StartRunAsync("plain", Body(""), 0, Base);

        Assert.Equal(202, response.StatusCode);
        Assert.Equal("hi", Assert.Single(_durable.Scheduled).Input.Input!.GetValue<string>());
        var id = response.Body!["id"]!.GetValue<string>();
        Assert.Equal($"http://localhost:7071/api/runs/{id}", response.Headers["Location"]);
        Assert.Equal($"http://localhost:7071/api/runs/{id}", response.Body["statusQueryGetUri"]!.GetValue<string>());
        Assert.Equal($"http://localhost:7071/api/runs/{id}/cancel", response.Body["terminatePostUri"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_ContentLengthOverLimit_Returns413BeforeReading()
    {
        var response = await Api().StartRunAsync("plain", Body("{}"), FlujoApiOptions.DefaultMaxBodyBytes + 1, Base);

        Assert.Equal(413, response.StatusCode);
        Assert.True(response.IsProblem);
        Assert.Contains("1048576 bytes", response.Body!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task StartRun_RunIdOfEndedRun_StartsAgain()
    {
        _durable.Put("plain-1", OrchestrationRuntimeStatus.Completed, output: "{}");

        var response = await Api().StartRunAsync("plain", Body("""{"runId":"plain-1"}"""), null, Base);

        Assert.Equal(202, response.StatusCode);
        Assert.Equal(1, _durable.Schedules);
    }

    [Fact]
    public void Options_NonPositiveLimit_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FlujoApiOptions(0));
        Assert.Contains("maxBodyBytes must be greater than zero", ex.Message);
    }

    [Fact]
    public void Problems_HaveRfc7807Fields()
    {
        var problem = Problems.InvalidInput("greet", ["/name: too short"], "/api/pipelines/greet/runs");

        Assert.Equal("application/problem+json; charset=utf-8", problem.ContentType);
        var body = problem.Body!.AsObject();
        Assert.Equal(["type", "title", "status", "detail", "instance", "errors"], body.Select(p => p.Key));
        Assert.Equal(JsonValue.Create("/name: too short")!.ToJsonString(), body["errors"]![0]!.ToJsonString());
    }

    [Theory]
    [InlineData("greet-42")]
    [InlineData("a")]
    [InlineData("Run_2024-01-01T10:00:00.5")]
    [InlineData("0.1")]
    public void RunIdRules_AcceptsAsciiLettersDigitsAndDashUnderscoreDotColon(string id) => Assert.Null(RunIdRules.Check(id));

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("-x")]
    [InlineData("my run")]
    [InlineData("ärger")]
    [InlineData("a/b")]
    [InlineData("a+b")]
    [InlineData("a%20b")]
    [InlineData("a\u0000b")]
    public void RunIdRules_RefusesEverythingElse(string id) => Assert.NotNull(RunIdRules.Check(id));

    [Fact]
    public void RunIdRules_LengthLimitIs100() =>
        Assert.Equal((true, false), (RunIdRules.IsValid(new string('r', 100)), RunIdRules.IsValid(new string('r', 101))));

    [Theory]
    [InlineData("greet", "greet-")]
    [InlineData("my pipeline ärger", "my-pipeline--rger-")]
    [InlineData("...", "run-")]
    [InlineData("", "run-")]
    public void RunIdRules_New_FollowsTheRuleForAnyPipelineName(string pipeline, string prefix)
    {
        var id = RunIdRules.New(pipeline);

        Assert.StartsWith(prefix, id);
        Assert.Null(RunIdRules.Check(id));
        Assert.Null(RunIdRules.Check(RunIdRules.New(new string('p', 500))));
    }
}
