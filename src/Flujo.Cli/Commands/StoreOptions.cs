using Spectre.Console;

namespace Flujo.Cli.Commands;

/// <summary>The <c>--store memory|azurite</c>, <c>--storage</c> and <c>--task-hub</c> options that run and serve share.</summary>
internal static class StoreOptions
{
    /// <summary>True when runs go to Azure Storage (<c>--storage</c>, or <c>--store azurite</c>).</summary>
    public static bool IsDurable(string? store, string? storage) =>
        storage is not null || string.Equals(store, "azurite", StringComparison.OrdinalIgnoreCase);

    public static ValidationResult Validate(string? store, string? storage, string taskHub)
    {
        if (store is not null && !string.Equals(store, "memory", StringComparison.OrdinalIgnoreCase) && !string.Equals(store, "azurite", StringComparison.OrdinalIgnoreCase))
            return ValidationResult.Error($"--store must be memory or azurite; got '{store}'.");
        if (storage is not null && store is not null) return ValidationResult.Error("Use either --store or --storage, not both.");
        if (storage is not null && string.IsNullOrWhiteSpace(storage)) return ValidationResult.Error("--storage needs a connection string.");
        return TaskHubSettings.ValidateTaskHub(taskHub);
    }
}
