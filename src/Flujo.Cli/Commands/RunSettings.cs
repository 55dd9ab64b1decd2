using System.ComponentModel;
using Flujo.Agents.Transcripts;
using Flujo.Api;
using Flujo.Definition.Loading;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

public sealed class RunSettings : PipelineFileSettings
{
    [CommandOption("-i|--input <INPUT>")]
    [Description("The run input: JSON, or plain text. Default: the pipeline's defaultInput.")]
    public string? Input { get; init; }

    [CommandOption("-c|--context <JSON>")]
    [Description("A JSON object merged over the pipeline's initial context.")]
    public string? Context { get; init; }

    [CommandOption("--run-id <ID>")]
    [Description("The run id (default: <pipeline>-<random>): " + RunIdRules.Description + ".")]
    public string? RunId { get; init; }

    [CommandOption("--json")]
    [Description("Write only the PipelineResult JSON to stdout; progress goes to stderr.")]
    public bool Json { get; init; }

    [CommandOption("--timeout <DURATION>")]
    [Description("Give up waiting after this long (default 600s): a duration as in pipeline files (90, 250ms, 2s, 1.5m, 1h30m, 00:10:00).")]
    public string Timeout { get; init; } = "600s";

    /// <summary>The --timeout option as a duration; valid once <see cref="Validate"/> has passed.</summary>
    public TimeSpan TimeoutValue => DurationParser.TryParse(Timeout, out var value) ? value : TimeSpan.Zero;

    [CommandOption("--store <STORE>")]
    [Description("Where runs live: memory (default; runs vanish with the process) or azurite (durable, on local Azurite; started on 127.0.0.1 if none is listening).")]
    public string? Store { get; init; }

    [CommandOption("--storage <CONNECTION_STRING>")]
    [Description("Run durably on this Azure Storage account (connection string).")]
    public string? Storage { get; init; }

    [CommandOption("--task-hub <NAME>")]
    [Description("The Durable Task hub on Azure Storage (default FlujoHub).")]
    public string TaskHub { get; init; } = "FlujoHub";

    [CommandOption("--record <FILE>")]
    [Description("Save every model request and reply of the run to this transcript file (written when the run ends).")]
    public string? Record { get; init; }

    [CommandOption("--replay <FILE>")]
    [Description("Answer the model requests from this transcript file, with no connection or network; a request it does not hold fails its step.")]
    public string? Replay { get; init; }

    /// <summary>The transcript option: --record or --replay with its file, or null.</summary>
    public (TranscriptMode Mode, string Path)? Transcript =>
        Record is not null ? (TranscriptMode.Record, Record) : Replay is not null ? (TranscriptMode.Replay, Replay) : null;

    /// <summary>True when the run goes to Azure Storage (--storage, or --store azurite).</summary>
    public bool Durable => StoreOptions.IsDurable(Store, Storage);

    public override ValidationResult Validate()
    {
        if (Record is not null && Replay is not null) return ValidationResult.Error("--record and --replay cannot be used together: record a transcript first, then replay it.");
        if (Record is { Length: 0 } || Replay is { Length: 0 }) return ValidationResult.Error($"--{(Record is not null ? "record" : "replay")} needs a file name.");
        if (!DurationParser.TryParse(Timeout, out var timeout) || timeout <= TimeSpan.Zero)
            return ValidationResult.Error($"--timeout must be a positive duration ({DurationParser.Expected}); got '{Timeout}'.");
        if (RunId is not null && RunIdRules.Check(RunId) is { } idProblem) return ValidationResult.Error($"--run-id: {idProblem}");
        return StoreOptions.Validate(Store, Storage, TaskHub);
    }
}
