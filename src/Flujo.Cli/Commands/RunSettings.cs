using System.ComponentModel;
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
    [Description("The run id (default: <pipeline>-<random>).")]
    public string? RunId { get; init; }

    [CommandOption("--json")]
    [Description("Write only the PipelineResult JSON to stdout; progress goes to stderr.")]
    public bool Json { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("Give up waiting after this many seconds (default 600).")]
    public int TimeoutSeconds { get; init; } = 600;

    public override ValidationResult Validate() =>
        TimeoutSeconds > 0
            ? ValidationResult.Success()
            : ValidationResult.Error($"--timeout must be a positive number of seconds; got {TimeoutSeconds}.");
}
