using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Cli.Rendering;
using Flujo.Definition;
using Flujo.Durable.Runs;
using Flujo.Execution;
using Flujo.Hosting.Engine;
using Flujo.Hosting.Storage;
using Flujo.Json;
using Flujo.Results;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary><c>flujo run</c>: loads a pipeline file, runs it on the embedded in-memory engine, shows progress and the result.</summary>
public sealed class RunCommand : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        var services = CliServices.Create();

        PipelineDefinition pipeline;
        JsonNode? input;
        JsonObject? runContext;
        try
        {
            using (var catalogServices = services.BuildServiceProvider())
                pipeline = CliServices.LoadPipeline(settings.File, catalogServices);
            input = settings.Input is null ? null : FlujoJson.ParseOrString(settings.Input);
            runContext = ParseContext(settings.Context);
        }
        catch (PipelineDefinitionException ex)
        {
            foreach (var error in ex.Errors) errors.MarkupLine($"[red]error[/] {Markup.Escape(error.ToString())}");
            return ExitCodes.InvalidInput;
        }
        catch (ArgumentException ex)
        {
            errors.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidInput;
        }

        services.AddSingleton<IAttemptObserver>(new ConsoleProgressObserver(errors, pipeline.Steps.Select(s => s.Name)));
        await using var provider = services.BuildServiceProvider();
        AzuriteLauncher? azurite = null;
        FlujoEngine engine;
        try
        {
            if (settings.Durable && settings.Storage is null)
                azurite = await AzuriteLauncher.EnsureRunningAsync(log: line => errors.MarkupLine($"[grey]{Markup.Escape(line)}[/]"), cancellationToken: cancellationToken);
            engine = settings.Durable
                ? await FlujoEngine.StartOnAzureStorageAsync(provider, settings.Storage ?? AzuriteLauncher.ConnectionString, settings.TaskHub)
                : await FlujoEngine.StartInMemoryAsync(provider);
        }
        catch (Exception ex) when (settings.Durable)
        {
            if (azurite is not null) await azurite.DisposeAsync();
            if (ex is OperationCanceledException) throw;
            errors.MarkupLine($"[red]error[/] Could not start the engine on Azure Storage: {Markup.Escape(ex.Message)}");
            return ExitCodes.RunFailed;
        }
        // Stop the worker before Azurite (when we started it), with SIGTERM.
        await using var stopAzurite = azurite;
        await using var stopEngine = engine;

        string runId;
        try
        {
            runId = await engine.Client.StartAsync(pipeline, input, runContext, settings.RunId, cancellationToken);
        }
        catch (RunAlreadyExistsException ex)
        {
            errors.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidInput;
        }

        errors.MarkupLine($"[grey]Run {Markup.Escape(runId)} of {Markup.Escape(pipeline.Name)} v{Markup.Escape(pipeline.Version)} started ({pipeline.Steps.Count} steps)[/]");
        PipelineResult result;
        try
        {
            result = await engine.Client.WaitForResultAsync(runId, TimeSpan.FromSeconds(settings.TimeoutSeconds), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The Durable Task client signals the end of its wait by cancelling, not with a TimeoutException.
            errors.MarkupLine($"[red]error[/] Timed out: run {Markup.Escape(runId)} did not finish within --timeout {settings.TimeoutSeconds} s; {(settings.Durable ? $"it stays on task hub {Markup.Escape(settings.TaskHub)} and resumes when a worker runs there" : "it was abandoned with the in-memory engine")}.");
            return ExitCodes.RunFailed;
        }

        if (settings.Json) ResultRenderer.WriteJson(result);
        else ResultRenderer.WriteTable(Consoles.Out, result);
        return result.Status == RunStatus.Completed ? ExitCodes.Success : ExitCodes.RunFailed;
    }

    /// <summary>The --context option: a JSON object, or an ArgumentException saying what is wrong.</summary>
    internal static JsonObject? ParseContext(string? text)
    {
        if (text is null) return null;
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException("--context must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"--context is not valid JSON: {ex.Message}");
        }
    }
}
