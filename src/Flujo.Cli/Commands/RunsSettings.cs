using System.ComponentModel;
using Flujo.Api;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

public sealed class RunsStartSettings : TaskHubSettings
{
    [CommandArgument(0, "<file>")]
    [Description("The pipeline file (YAML or JSON); the run carries it, so workers need no copy.")]
    public string File { get; init; } = string.Empty;

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
    [Description("Write { id, pipeline, taskHub } as JSON to stdout.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (RunId is not null && RunIdRules.Check(RunId) is { } idProblem) return ValidationResult.Error($"--run-id: {idProblem}");
        return base.Validate();
    }
}

public sealed class RunsListSettings : TaskHubSettings
{
    [CommandOption("--status <STATUS>")]
    [Description("Only runs with this runtime status: Pending, Running, Completed, Failed, Terminated (repeatable).")]
    public string[] Status { get; init; } = [];

    [CommandOption("--prefix <ID_PREFIX>")]
    [Description("Only runs whose id starts with this (run ids start with the pipeline name).")]
    public string? Prefix { get; init; }

    [CommandOption("--top <N>")]
    [Description("At most this many runs (default 50).")]
    public int Top { get; init; } = 50;

    [CommandOption("--json")]
    [Description("Write { runs: [...] } as JSON to stdout, each run as GET /api/runs/{id} shows it (without result).")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (Top is < 1 or > 1000) return ValidationResult.Error($"--top must be 1-1000; got {Top}.");
        foreach (var status in Status)
            if (!Enum.TryParse<DurableTask.Core.OrchestrationStatus>(status, ignoreCase: true, out _))
                return ValidationResult.Error($"--status must be one of {string.Join(", ", Enum.GetNames<DurableTask.Core.OrchestrationStatus>())}; got '{status}'.");
        return base.Validate();
    }
}

public class RunIdSettings : TaskHubSettings
{
    [CommandArgument(0, "<id>")]
    [Description("The run id.")]
    public string Id { get; init; } = string.Empty;

    [CommandOption("--json")]
    [Description("Write JSON to stdout (the same body as the HTTP API).")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        // No run can have an id that breaks the rule (every command that starts one enforces it), so say so before connecting.
        if (RunIdRules.Check(Id) is { } idProblem) return ValidationResult.Error($"<id>: {idProblem}");
        return base.Validate();
    }
}

public sealed class RunsCancelSettings : RunIdSettings
{
    [CommandOption("--reason <TEXT>")]
    [Description("Why the run is cancelled (kept in its result).")]
    public string? Reason { get; init; }
}

public sealed class RunsResumeSettings : RunIdSettings
{
    [CommandOption("-i|--input <ANSWER>")]
    [Description("The answer to the waiting human step: JSON, or plain text (taken as a JSON string). Required.")]
    public string? Input { get; init; }

    [CommandOption("--step <STEP_PATH>")]
    [Description("The waiting step to answer (its step path, or its name when that is unambiguous); needed when several steps wait.")]
    public string? Step { get; init; }

    public override ValidationResult Validate()
    {
        if (Input is null) return ValidationResult.Error("--input is required: the answer to the waiting step (JSON, or plain text).");
        if (Step is not null && string.IsNullOrWhiteSpace(Step)) return ValidationResult.Error("--step must not be empty.");
        return base.Validate();
    }
}

public sealed class RunsShowSettings : RunIdSettings
{
    [CommandOption("--server <URL>")]
    [Description("Read the run from a Flujo HTTP API (flujo serve, or the Functions app) instead of a task hub, e.g. http://127.0.0.1:7071.")]
    public string? Server { get; init; }

    [CommandOption("--api-key <KEY>")]
    [Description("The Functions app's function key for --server (sent as x-functions-key); default: the FLUJO_API_KEY variable.")]
    public string? ApiKey { get; init; }

    /// <summary>The server's base address, once <see cref="Validate"/> accepted it.</summary>
    public Uri? ServerUri => Server is null ? null : new Uri(Server.EndsWith('/') ? Server : Server + "/");

    public override ValidationResult Validate()
    {
        if (Server is null)
            return ApiKey is not null ? ValidationResult.Error("--api-key goes with --server.") : base.Validate();
        if (Store is not null || Storage is not null) return ValidationResult.Error("Use either --server or a task hub (--store azurite / --storage), not both.");
        if (!Uri.TryCreate(Server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            return ValidationResult.Error($"--server must be an http:// or https:// address such as http://127.0.0.1:7071; got '{Server}'.");
        if (RunIdRules.Check(Id) is { } idProblem) return ValidationResult.Error($"<id>: {idProblem}");
        return ValidationResult.Success();
    }
}
