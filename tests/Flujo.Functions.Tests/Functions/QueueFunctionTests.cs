using Flujo.Api.Queue;
using Flujo.Functions.Functions;
using Flujo.Functions.Hosting;
using Flujo.Functions.Tests.Support;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flujo.Functions.Tests.Functions;

public sealed class QueueFunctionTests
{
    private readonly FakeDurableClient _durable = new();
    private readonly RunsQueueFunction _function = new(
        TestPipelines.Catalog(),
        new FunctionsRunClientFactory(new PipelineOrchestratorMap()),
        NullLogger<RunsQueueFunction>.Instance);

    private Task DeliverAsync(string message, string messageId = "m-1") =>
        _function.RunAsync(message, _durable.Client, FakeFunctionContext.Create(new Dictionary<string, object?> { ["Id"] = messageId }));

    [Fact]
    public async Task ValidMessage_SchedulesExactlyOneRun()
    {
        await DeliverAsync("""{"pipeline":"greet","input":{"name":"Ada"},"runId":"greet-q1","context":{"k":1}}""");

        var run = Assert.Single(_durable.Scheduled);
        Assert.Equal("greet-q1", run.RunId);
        Assert.Equal("Ada", run.Input.Input!["name"]!.GetValue<string>());
        Assert.Equal(1, run.Input.Context!["k"]!.GetValue<int>());
    }

    [Fact]
    public async Task SameRunIdTwice_SchedulesOnce()
    {
        const string message = """{"pipeline":"greet","input":{"name":"Ada"},"runId":"greet-twice"}""";

        await DeliverAsync(message, "m-1");
        await DeliverAsync(message, "m-2");

        Assert.Equal(1, _durable.Schedules);
    }

    [Fact]
    public async Task RunIdOfCompletedRun_IsNotStartedAgain()
    {
        _durable.Put("greet-done", OrchestrationRuntimeStatus.Completed, output: "{}");

        await DeliverAsync("""{"pipeline":"greet","input":{"name":"Ada"},"runId":"greet-done"}""");

        Assert.Equal(0, _durable.Schedules);
    }

    [Fact]
    public async Task Base64Message_IsDecoded()
    {
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("""{"pipeline":"plain","runId":"plain-b64"}"""));

        await DeliverAsync(base64);

        Assert.Equal("plain-b64", Assert.Single(_durable.Scheduled).RunId);
    }

    [Fact]
    public async Task NoRunId_RedeliveredMessage_SchedulesOnce()
    {
        const string message = """{"pipeline":"plain","input":"x"}""";

        await DeliverAsync(message, "abc");
        await DeliverAsync(message, "abc");

        Assert.Equal("plain-abc", Assert.Single(_durable.Scheduled).RunId);
    }

    [Fact]
    public async Task MessageWithTraceparent_RunContinuesTheProducersTrace()
    {
        const string traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        await DeliverAsync($$"""{"pipeline":"plain","runId":"plain-traced","traceparent":"{{traceParent}}","tracestate":"vendor=1"}""");

        var run = Assert.Single(_durable.Scheduled);
        Assert.Equal(traceParent, run.Input.TraceParent);
        Assert.Equal("vendor=1", run.Input.TraceState);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("{oops", "not valid JSON")]
    [InlineData("\"greet\"", "must be a JSON object")]
    [InlineData("""{"input":1}""", "\"pipeline\" is required")]
    [InlineData("""{"pipeline":"nope"}""", "No pipeline named 'nope'")]
    [InlineData("""{"pipeline":"greet","input":{"name":""}}""", "failed its input schema")]
    [InlineData("""{"pipeline":"plain","runId":5}""", "\"runId\" must be a string")]
    [InlineData("""{"pipeline":"plain","extra":1}""", "Unknown property 'extra'")]
    [InlineData("""{"pipeline":"plain","traceparent":"00-abc-def-01"}""", "\"traceparent\" is not a W3C traceparent")]
    [InlineData("""{"pipeline":"plain","traceparent":5}""", "\"traceparent\" and \"tracestate\" must be strings")]
    public async Task MalformedMessage_ThrowsClearError_SchedulesNothing(string message, string expected)
    {
        var ex = await Assert.ThrowsAsync<QueueMessageException>(() => DeliverAsync(message));

        Assert.Contains(expected, ex.Message);
        Assert.StartsWith("Invalid flujo-runs message", ex.Message);
        Assert.Equal(0, _durable.Schedules);
    }
}
