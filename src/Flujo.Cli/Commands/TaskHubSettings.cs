using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary>Settings of the commands that talk to a task hub on Azure Storage (<c>flujo worker</c>, <c>flujo runs ...</c>).</summary>
public class TaskHubSettings : CommandSettings
{
    /// <summary>The task hub when <c>--task-hub</c> is not given.</summary>
    public const string DefaultTaskHub = "FlujoHub";

    [CommandOption("--store <STORE>")]
    [Description("azurite: the task hub on local Azurite (127.0.0.1:10000-10002).")]
    public string? Store { get; init; }

    [CommandOption("--storage <CONNECTION_STRING>")]
    [Description("The task hub on this Azure Storage account (connection string).")]
    public string? Storage { get; init; }

    [CommandOption("--task-hub <NAME>")]
    [Description("The Durable Task hub (default FlujoHub).")]
    public string TaskHub { get; init; } = "FlujoHub";

    /// <summary>True for <c>--store azurite</c>.</summary>
    public bool Azurite => Storage is null;

    public override ValidationResult Validate()
    {
        if (Storage is not null && Store is not null) return ValidationResult.Error("Use either --store azurite or --storage, not both.");
        if (Storage is null && Store is null)
            return ValidationResult.Error("Say which task hub: --storage \"<connection string>\" or --store azurite.");
        if (Store is not null && !string.Equals(Store, "azurite", StringComparison.OrdinalIgnoreCase))
            return ValidationResult.Error($"--store must be azurite here (runs on the in-memory backend live only inside one process: use flujo run or flujo serve); got '{Store}'.");
        if (Storage is not null && string.IsNullOrWhiteSpace(Storage)) return ValidationResult.Error("--storage needs a connection string.");
        return ValidateTaskHub(TaskHub);
    }

    internal static ValidationResult ValidateTaskHub(string taskHub) =>
        taskHub.Length is < 3 or > 45 || !char.IsAsciiLetter(taskHub[0]) || !taskHub.All(char.IsAsciiLetterOrDigit)
            ? ValidationResult.Error($"--task-hub must be 3-45 letters and digits, starting with a letter; got '{taskHub}'.")
            : ValidationResult.Success();
}

public sealed class WorkerSettings : TaskHubSettings
{
    [CommandOption("--worker-id <ID>")]
    [Description("This worker's id, stable across its restarts (default: the machine name). Give each worker on one machine its own.")]
    public string? WorkerId { get; init; }

    public override ValidationResult Validate()
    {
        if (WorkerId is not null && string.IsNullOrWhiteSpace(WorkerId)) return ValidationResult.Error("--worker-id must not be empty.");
        return base.Validate();
    }
}

public sealed class ServeSettings : CommandSettings
{
    [CommandOption("-p|--port <PORT>")]
    [Description("The port on 127.0.0.1 (default 7071, as func start).")]
    public int Port { get; init; } = 7071;

    [CommandOption("--pipelines <FOLDER>")]
    [Description("The folder of pipeline files to serve (default ./pipelines if present, else ./samples).")]
    public string? Pipelines { get; init; }

    [CommandOption("--store <STORE>")]
    [Description("Where runs live: memory (default; they vanish with the server) or azurite (durable, on local Azurite; started on 127.0.0.1 if none is listening).")]
    public string? Store { get; init; }

    [CommandOption("--storage <CONNECTION_STRING>")]
    [Description("Keep runs on this Azure Storage account (connection string).")]
    public string? Storage { get; init; }

    [CommandOption("--task-hub <NAME>")]
    [Description("The Durable Task hub on Azure Storage (default FlujoHub).")]
    public string TaskHub { get; init; } = "FlujoHub";

    public bool Durable => StoreOptions.IsDurable(Store, Storage);

    public override ValidationResult Validate()
    {
        if (Port is < 0 or > 65535) return ValidationResult.Error($"--port must be 0-65535; got {Port}.");
        return StoreOptions.Validate(Store, Storage, TaskHub);
    }
}
