using System.Text.Json;
using Flujo.Json;
using Flujo.Results;
using Spectre.Console;

namespace Flujo.Cli.Rendering;

/// <summary>Shows a <see cref="PipelineResult"/> as a table (default) or as JSON.</summary>
internal static class ResultRenderer
{
    public static void WriteJson(PipelineResult result) =>
        Console.Out.WriteLine(JsonSerializer.Serialize(result, FlujoJson.Indented));

    public static void WriteTable(IAnsiConsole console, PipelineResult result)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Step").AddColumn("Result").AddColumn(new TableColumn("Attempts").RightAligned())
            .AddColumn(new TableColumn("Cost (USD)").RightAligned()).AddColumn(new TableColumn("Tokens").RightAligned())
            .AddColumn(new TableColumn("Latency").RightAligned()).AddColumn("Notes");

        foreach (var step in result.StepHistory) AddRows(table, step, depth: 0);

        console.Write(table);
        var color = result.Status == RunStatus.Completed ? "green" : "red";
        console.MarkupLine($"Run [bold]{Markup.Escape(result.RunId)}[/] of [bold]{Markup.Escape(result.Pipeline)}[/] v{Markup.Escape(result.Version)}: [{color}]{StatusText(result.Status)}[/]  total ${result.TotalCostUsd:0.######}, {result.TotalTokens} tokens");
        if (result.Error is not null) console.MarkupLine($"[red]Error:[/] {Markup.Escape(result.Error)}");
        console.MarkupLine("[bold]Output:[/]");
        console.WriteLine(result.Output is null ? "(none)" : FlujoJson.ToText(result.Output) is var text && result.Output is System.Text.Json.Nodes.JsonValue
            ? text
            : result.Output.ToJsonString(FlujoJson.Indented));
    }

    /// <summary>Most rows shown for nested results of one parent (a 1,000-item map stays readable; the JSON has them all).</summary>
    private const int MaxChildRows = 20;

    /// <summary>A step and, indented under it, its nested results (branches, iterations, items and their steps).</summary>
    private static void AddRows(Table table, StepResult step, int depth)
    {
        var indent = new string(' ', depth * 2);
        table.AddRow(
            Markup.Escape(indent + (depth > 0 ? "└ " : string.Empty) + step.Name),
            step.Success ? "[green]ok[/]" : "[red]failed[/]",
            step.Attempts.ToString(),
            step.CostUsd.ToString("0.######"),
            step.Tokens.Total.ToString(),
            $"{step.LatencyMs} ms",
            Markup.Escape(Notes(step)));
        var children = step.StepHistory;
        var shown = children.Count > MaxChildRows ? children.Take(MaxChildRows / 2).Concat(children.TakeLast(MaxChildRows / 2)).ToList() : children;
        for (var i = 0; i < shown.Count; i++)
        {
            if (children.Count > MaxChildRows && i == MaxChildRows / 2)
                table.AddRow(Markup.Escape($"{indent}  … {children.Count - MaxChildRows} more (see --json)"), "", "", "", "", "", "");
            AddRows(table, shown[i], depth + 1);
        }
    }

    internal static string Notes(StepResult step)
    {
        var notes = new List<string>();
        if (step.Metadata[MetadataKeys.ExecutedBranchKey] is { } key) notes.Add($"branch {key.ToJsonString().Trim('"')}");
        if (step.Metadata[MetadataKeys.ChosenBranches] is System.Text.Json.Nodes.JsonArray chosen) notes.Add($"chose {string.Join(", ", chosen.Select(c => c?.ToString()))}");
        if (step.Metadata[MetadataKeys.Iterations] is { } iterations) notes.Add($"{iterations} iterations, exit {step.Metadata[MetadataKeys.ExitReason]}");
        if (step.Metadata[MetadataKeys.HumanOutcome] is { } human) notes.Add($"human: {human}");
        if (step.Metadata[MetadataKeys.ValidationPassed]?.GetValue<bool>() == false) notes.Add("validation findings (non-strict)");
        if (step.Metadata[MetadataKeys.FallbackTriggered]?.GetValue<bool>() == true)
            notes.Add($"fallback → {step.Metadata[MetadataKeys.FallbackStep]}");
        if (step.Metadata[MetadataKeys.CacheHit]?.GetValue<bool>() == true) notes.Add("cache hit");
        // A successful step's diagnostics stay in the JSON result; the table shows why a step failed.
        if (!step.Success && step.Feedback is not null) notes.Add(step.Feedback);
        return string.Join("; ", notes);
    }

    private static string StatusText(RunStatus status) => JsonSerializer.Serialize(status, FlujoJson.Options).Trim('"');
}
