using System.ComponentModel;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary>Settings of every command that takes a pipeline file.</summary>
public class PipelineFileSettings : CommandSettings
{
    [CommandArgument(0, "<file>")]
    [Description("The pipeline file (YAML or JSON).")]
    public string File { get; init; } = string.Empty;
}
