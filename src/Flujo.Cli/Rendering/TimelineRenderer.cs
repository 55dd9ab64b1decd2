using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Json;
using Flujo.Results;
using Spectre.Console;

namespace Flujo.Cli.Rendering;

/// <summary>
/// A run timeline (<c>GET /api/runs/{id}/timeline</c>) as <c>flujo runs show</c> prints it: the run's fields, the human steps
/// waiting, then the tree of steps with their timings, costs and attempts (failed attempts with their feedback).
/// </summary>
internal static class TimelineRenderer
{
    /// <summary>Most nested steps shown under one parent (a 1,000-item map stays readable; <c>--json</c> has them all).</summary>
    private const int MaxChildren = 20;

    public static void Write(IAnsiConsole console, JsonObject timeline)
    {
        var status = Text(timeline, "status") ?? "";
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]Run[/]", Markup.Escape(Text(timeline, "id") ?? ""));
        grid.AddRow("[bold]Pipeline[/]", Markup.Escape($"{Text(timeline, "pipeline")} v{Text(timeline, "version")}"));
        grid.AddRow("[bold]Status[/]", $"{Status(status)} ({Markup.Escape(Text(timeline, "runtimeStatus") ?? "")})");
        if (timeline["progress"] is JsonObject progress)
        {
            var at = Text(progress, "currentStep") is { } step ? $", at {step}" : "";
            grid.AddRow("[bold]Progress[/]", Markup.Escape($"{progress["stepsDone"]}/{progress["totalSteps"]} steps{at}"));
        }
        grid.AddRow("[bold]Spent[/]", Markup.Escape($"${Number(timeline, "totalCostUsd"):0.######}, {timeline["totalTokens"]?.ToString() ?? "0"} tokens"));
        grid.AddRow("[bold]Created[/]", Time(timeline["createdAt"]));
        grid.AddRow("[bold]Updated[/]", Time(timeline["lastUpdatedAt"]));
        if (Text(timeline, "error") is { } error) grid.AddRow("[bold]Error[/]", $"[red]{Markup.Escape(error)}[/]");
        foreach (var wait in (timeline["waiting"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            grid.AddRow("[bold]Waiting[/]", $"[bold]{Markup.Escape(Text(wait, "stepPath") ?? "")}[/]: {Markup.Escape(Text(wait, "message") ?? "")}");
            grid.AddRow("", $"[grey]event:[/] {Markup.Escape(Text(wait, "eventName") ?? "")}");
            if (wait["schema"] is { } schema) grid.AddRow("", $"[grey]schema:[/] {Markup.Escape(schema.ToJsonString())}");
            if (Text(wait, "expiresAt") is { } expires) grid.AddRow("", $"[grey]expires:[/] {Time(wait["expiresAt"])}");
        }
        console.Write(grid);

        var tree = new Tree($"[bold]Steps[/] [grey]({(Text(timeline, "source") == "result" ? "from the run's result" : "live, from the orchestration history")})[/]");
        var steps = (timeline["stepHistory"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (steps.Count == 0) tree.AddNode("[grey](no step has run yet)[/]");
        AddSteps(tree, steps);
        console.Write(tree);

        if (timeline["output"] is { } output)
        {
            console.MarkupLine("[bold]Output:[/]");
            console.WriteLine(output is JsonValue ? FlujoJson.ToText(output) : output.ToJsonString(FlujoJson.Indented));
        }
    }

    private static void AddSteps(IHasTreeNodes parent, IReadOnlyList<JsonObject> steps)
    {
        var shown = steps.Count > MaxChildren ? steps.Take(MaxChildren / 2).Concat(steps.TakeLast(MaxChildren / 2)).ToList() : steps;
        for (var i = 0; i < shown.Count; i++)
        {
            if (steps.Count > MaxChildren && i == MaxChildren / 2)
                parent.AddNode($"[grey]… {steps.Count - MaxChildren} more (see --json)[/]");
            var step = shown[i];
            var node = parent.AddNode(StepLabel(step));
            foreach (var attempt in (step["attemptHistory"] as JsonArray)?.OfType<JsonObject>() ?? []) node.AddNode(AttemptLabel(attempt));
            if (step["waiting"] is JsonObject wait) node.AddNode($"[blue]waiting for {Markup.Escape(Text(wait, "eventName") ?? "")}[/]: {Markup.Escape(Text(wait, "message") ?? "")}");
            AddSteps(node, (step["stepHistory"] as JsonArray)?.OfType<JsonObject>().ToList() ?? []);
        }
    }

    private static string StepLabel(JsonObject step)
    {
        var status = Text(step, "status") ?? "";
        var parts = new List<string> { $"{Mark(status)} [bold]{Markup.Escape(Text(step, "name") ?? "")}[/]" };
        if (step["attempts"] is JsonValue attempts && attempts.GetValue<int>() > 1) parts.Add($"{attempts} attempts");
        if (step["latencyMs"] is JsonValue latency) parts.Add(Duration(latency.GetValue<long>()));
        else if (status is "running" or "waiting") parts.Add($"[blue]{status}[/]");
        if (Number(step, "costUsd") is var cost and > 0) parts.Add($"${cost:0.######}");
        if (step["tokens"]?["total"] is JsonValue tokens && tokens.GetValue<long>() > 0) parts.Add($"{tokens} tokens");
        if (step.ContainsKey("success") && JsonSerializer.Deserialize<StepResult>(step.ToJsonString(), FlujoJson.Options) is { } result
            && ResultRenderer.Notes(result) is { Length: > 0 } notes)
            parts.Add($"[grey]{Markup.Escape(notes)}[/]");
        return string.Join("  ", parts);
    }

    private static string AttemptLabel(JsonObject attempt)
    {
        var status = Text(attempt, "status") ?? "";
        var who = Text(attempt, "fallbackStep") is { } fallback ? $"fallback {fallback}, attempt" : "attempt";
        var parts = new List<string> { $"[grey]{Markup.Escape(who)} {attempt["attempt"]}[/]", status == "succeeded" ? "[green]succeeded[/]" : status == "running" ? "[blue]running[/]" : $"[red]{Markup.Escape(status)}[/]" };
        if (attempt["durationMs"] is JsonValue duration) parts.Add(Duration(duration.GetValue<long>()));
        if (Number(attempt, "costUsd") is var cost and > 0) parts.Add($"${cost:0.######}");
        if (Text(attempt, "model") is { } model) parts.Add(Markup.Escape(model));
        if (status != "succeeded" && Text(attempt, "feedback") is { } feedback) parts.Add($"— {Markup.Escape(feedback)}");
        return string.Join("  ", parts);
    }

    private static string Mark(string status) => status switch
    {
        "succeeded" => "[green]✓[/]",
        "failed" => "[red]✗[/]",
        "waiting" => "[blue]⏸[/]",
        _ => "[blue]…[/]",
    };

    private static string Status(string status) => status switch
    {
        "completed" => "[green]completed[/]",
        "running" or "paused" => $"[blue]{status}[/]",
        _ => $"[red]{Markup.Escape(status)}[/]",
    };

    private static string Duration(long ms) => ms < 1000 ? $"{ms} ms" : $"{(ms / 1000.0).ToString("0.0#", CultureInfo.InvariantCulture)} s";

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static decimal Number(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue(out decimal d) ? d : 0;

    private static string Time(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out DateTimeOffset time) ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "";
}
