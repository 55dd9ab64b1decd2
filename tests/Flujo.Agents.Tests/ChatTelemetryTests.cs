using System.Diagnostics;
using System.Text.Json.Nodes;
using Flujo.Agents.Tests.Support;
using Flujo.Durable.Tests.Support;
using Flujo.Registration;
using Flujo.Results;
using static Flujo.Durable.Tests.Support.TraceCapture;

namespace Flujo.Agents.Tests;

/// <summary>
/// SEMANTICS §10 for chat steps: Microsoft.Extensions.AI's <c>chat</c> and <c>execute_tool</c> spans nest under the attempt
/// span, and message content stays out of telemetry unless sensitive-data capture is switched on.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class ChatTelemetryTests
{
    private const string Pipeline = """
        name: chat-trace
        steps:
          - name: answer
            agent: { name: chat, params: { tools: [get_weather] } }
        """;

    private static async Task<(PipelineResult Result, IReadOnlyList<Activity> Trace)> RunWithToolAsync(TraceCapture capture, bool? captureContent)
    {
        await using var harness = await ChatHarness.StartAsync();
        if (captureContent is { } on) harness.Settings["Flujo:Telemetry:CaptureMessageContent"] = on ? "true" : "false";
        harness.Services.AddFlujoTool("get_weather", (string city) => $"Sunny in {city}", "Gets today's weather for a city.");
        harness.Reply(
            ScriptedReply.ToolCalls(("call_1", "get_weather", "{\"city\":\"Paris\"}")),
            ScriptedReply.Text("It is sunny in Paris.", promptTokens: 40, completionTokens: 9));
        var result = await harness.RunAsync(Pipeline, JsonValue.Create("Weather in Paris?"));
        return (result, capture.TraceOf(capture.RunSpan(result.RunId)));
    }

    /// <summary>Every tag value and event tag value of a span, as text.</summary>
    private static IEnumerable<string> Texts(Activity span) =>
        span.TagObjects.Select(t => t.Value?.ToString() ?? "")
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => t.Value?.ToString() ?? "")));

    [Fact]
    public async Task ChatStepWithTool_ChatAndToolSpansUnderTheAttempt_NoMessageContentByDefault()
    {
        using var capture = new TraceCapture();

        var (result, trace) = await RunWithToolAsync(capture, captureContent: null);

        Assert.Equal(RunStatus.Completed, result.Status);
        var step = Assert.Single(trace, s => s.DisplayName == "step answer");
        var attempt = Assert.Single(trace, s => s.DisplayName == "invoke_agent chat");
        Assert.Equal(step.SpanId, attempt.ParentSpanId);
        Assert.Equal("gpt-4o-mini", Tag(attempt, "gen_ai.request.model"));
        Assert.Equal("60", Tag(attempt, "gen_ai.usage.input_tokens"));
        Assert.Equal("gpt-4o-mini", Tag(step, "gen_ai.request.model"));

        var chats = trace.Where(s => s.DisplayName == "chat gpt-4o-mini").ToList();
        Assert.Equal(2, chats.Count);
        Assert.All(chats, c => Assert.Equal(attempt.SpanId, c.ParentSpanId));
        Assert.All(chats, c => Assert.Equal("chat", Tag(c, "gen_ai.operation.name")));
        Assert.All(chats, c => Assert.Equal("openai", Tag(c, "gen_ai.provider.name")));
        Assert.Equal(["20", "40"], chats.Select(c => Tag(c, "gen_ai.usage.input_tokens")!).Order());
        var tool = Assert.Single(trace, s => s.DisplayName == "execute_tool get_weather");
        Assert.Equal(attempt.SpanId, tool.ParentSpanId);

        // The prompt, the reply, the tool's arguments and result are message content: none of it is recorded.
        Assert.DoesNotContain(trace.SelectMany(Texts), text =>
            text.Contains("Weather in Paris?", StringComparison.Ordinal) || text.Contains("sunny in Paris", StringComparison.OrdinalIgnoreCase)
            || text.Contains("\"city\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CaptureMessageContentOn_ChatSpansCarryThePromptAndReply()
    {
        using var capture = new TraceCapture();

        var (result, trace) = await RunWithToolAsync(capture, captureContent: true);

        Assert.Equal(RunStatus.Completed, result.Status);
        var texts = trace.Where(s => s.DisplayName.StartsWith("chat ", StringComparison.Ordinal)).SelectMany(Texts).ToList();
        Assert.Contains(texts, t => t.Contains("Weather in Paris?", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("It is sunny in Paris.", StringComparison.Ordinal));
    }
}
