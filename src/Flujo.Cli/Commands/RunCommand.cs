using System.Text.Json;
using System.Text.Json.Nodes;
using Flujo.Agents.Transcripts;
using Flujo.Api;
using Flujo.Cli.Human;
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

/// <summary>
/// <c>flujo run</c>: loads a pipeline file, runs it on the embedded in-memory engine, shows progress and the result. Human
/// steps are answered from stdin (<see cref="HumanAnswerLoop"/>); without answers the command stops with exit code 3.
/// </summary>
public sealed class RunCommand : AsyncCommand<RunSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        using var interrupt = new RunInterrupt(cancellationToken);
        cancellationToken = interrupt.Token;
        ServiceCollection services;
        try
        {
            services = CliServices.Create(settings.Transcript, settings.Durable ? settings.Storage ?? LocalStore.ConfiguredConnectionString : null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException)
        {
            errors.MarkupLine($"[red]error[/] --replay: {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidInput;
        }

        PipelineDefinition pipeline;
        JsonNode? input;
        JsonObject? runContext;
        try
        {
            using (var catalogServices = services.BuildServiceProvider())
                pipeline = CliServices.LoadPipeline(settings.File, catalogServices);
            // As runs start and the HTTP API: the default input stands in for a missing one, and must pass the schema too.
            input = settings.Input is null ? pipeline.DefaultInput?.DeepClone() : FlujoJson.ParseOrString(settings.Input);
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

        // As runs start and POST /api/runs: input failing the pipeline's input schema is never run.
        if (FlujoApi.InputErrors(pipeline, input) is { } schemaErrors)
        {
            foreach (var error in schemaErrors) errors.MarkupLine($"[red]error[/] input: {Markup.Escape(error)}");
            return ExitCodes.InvalidInput;
        }

        var progress = new ConsoleProgressObserver(errors, pipeline.Steps.Select(s => s.Name));
        services.AddSingleton<IAttemptObserver>(progress);
        await using var provider = services.BuildServiceProvider();
        AzuriteLauncher? azurite = null;
        FlujoEngine engine;
        try
        {
            if (settings.Durable && settings.Storage is null)
                azurite = await LocalStoreTarget.EnsureAsync(errors, cancellationToken);
            if (settings.Storage is not null && !await StorageProbe.ReachableAsync(settings.Storage, cancellationToken))
                return ExitCodes.RunFailed;
            engine = settings.Durable
                ? await FlujoEngine.StartOnAzureStorageAsync(provider, settings.Storage ?? LocalStore.ConfiguredConnectionString, settings.TaskHub)
                : await FlujoEngine.StartInMemoryAsync(provider);
        }
        catch (Exception ex) when (settings.Durable)
        {
            if (azurite is not null) await azurite.DisposeAsync();
            if (ex is OperationCanceledException && interrupt.Requested)
            {
                errors.MarkupLine($"[yellow]⏹[/] Interrupted by {interrupt.Cause} before the run started; nothing ran.");
                return interrupt.ExitCode;
            }
            if (ex is OperationCanceledException) throw;
            errors.MarkupLine($"[red]error[/] Could not start the engine on Azure Storage: {Markup.Escape(ex.Message)}");
            return ExitCodes.RunFailed;
        }
        // Stop the worker before leaving Azurite (the local store keeps running for the next command).
        await using var stopAzurite = azurite;
        await using var stopEngine = engine;

        string? runId = null;
        try
        {
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
            var loop = new HumanAnswerLoop(engine.Client, (id, slice, token) => WaitSliceAsync(engine, id, slice, token), Console.In, !Console.IsInputRedirected, errors);
            HumanLoopResult outcome;
            try
            {
                outcome = await loop.RunAsync(runId, settings.TimeoutValue, cancellationToken);
            }
            catch (TimeoutException)
            {
                outcome = new HumanLoopResult(null, TimedOut: true);
            }

            if (outcome.StoppedAt is { } wait)
            {
                // No one to answer: an in-memory run would be lost with this process anyway, so it is cancelled; a durable one waits.
                errors.MarkupLine($"[yellow]⏸[/] Run {Markup.Escape(runId)} is paused at human step [bold]{Markup.Escape(wait.StepPath)}[/] ({Markup.Escape(wait.Message)}) and stdin has no more answers.");
                if (settings.Durable)
                {
                    errors.MarkupLine($"It stays paused on task hub {Markup.Escape(settings.TaskHub)}. Answer it with: flujo runs resume {Markup.Escape(runId)} --input '<json>' {Markup.Escape(DurableTarget(settings))} (a worker must run there: flujo worker {Markup.Escape(DurableTarget(settings))}).");
                }
                else
                {
                    await engine.Client.CancelAsync(runId, $"Paused at human step '{wait.StepPath}' with no answer on stdin", CancellationToken.None);
                    errors.MarkupLine("The in-memory run was cancelled. Answer on stdin (a terminal, or one JSON answer per line piped in), or run it durably and resume it later:");
                    errors.MarkupLine($"  flujo run {Markup.Escape(settings.File)} --store azurite --run-id <id>   then   flujo runs resume <id> --input '<json>' --store azurite");
                }
                return ExitCodes.Paused;
            }
            if (outcome.Result is not { } result)
            {
                errors.MarkupLine($"[red]error[/] Timed out: run {Markup.Escape(runId)} did not finish within --timeout {Markup.Escape(settings.Timeout)}; {(settings.Durable ? $"it stays on task hub {Markup.Escape(settings.TaskHub)} and resumes when a worker runs there" : "it was abandoned with the in-memory engine")}.");
                return ExitCodes.RunFailed;
            }

            if (settings.Json) ResultRenderer.WriteJson(result);
            else ResultRenderer.WriteTable(Consoles.Out, result);
            return result.Status == RunStatus.Completed ? ExitCodes.Success : ExitCodes.RunFailed;
        }
        catch (OperationCanceledException) when (interrupt.Requested)
        {
            if (runId is null)
            {
                errors.MarkupLine($"[yellow]⏹[/] Interrupted by {interrupt.Cause} before the run started; nothing ran.");
                return interrupt.ExitCode;
            }
            await CancelInterruptedRunAsync(engine, runId, settings, interrupt, progress);
            return interrupt.ExitCode;
        }
        finally
        {
            // The transcript file is written when the provider is disposed, after the engine has stopped.
            if (settings.Record is not null && provider.GetService<TranscriptRecorder>() is { } recorder)
                errors.MarkupLine($"[grey]Recording {recorder.Count} model calls to {Markup.Escape(recorder.Path)}[/]");
        }
    }

    /// <summary>Cancels the run a signal interrupted and says which top-level steps finished and which were cancelled.</summary>
    private static async Task CancelInterruptedRunAsync(FlujoEngine engine, string runId, RunSettings settings, RunInterrupt interrupt, ConsoleProgressObserver progress)
    {
        var errors = Consoles.Error;
        var where = settings.Durable ? $" on task hub {settings.TaskHub}" : string.Empty;
        try
        {
            await engine.Client.CancelAsync(runId, $"Interrupted by {interrupt.Cause}", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            errors.MarkupLine($"[yellow]⏹[/] Interrupted by {interrupt.Cause}: run {Markup.Escape(runId)} was cancelled{Markup.Escape(where)}.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            errors.MarkupLine($"[red]error[/] Interrupted by {interrupt.Cause}, but run {Markup.Escape(runId)} could not be cancelled{Markup.Escape(where)}: {Markup.Escape(ex.Message)}");
            if (settings.Durable) errors.MarkupLine($"Cancel it with: flujo runs cancel {Markup.Escape(runId)} {Markup.Escape(DurableTarget(settings))}");
        }
        var (finished, notFinished) = progress.MainStepsSoFar();
        errors.MarkupLine($"Finished: {Markup.Escape(finished.Count == 0 ? "none" : string.Join(", ", finished))}");
        errors.MarkupLine($"Cancelled: {Markup.Escape(notFinished.Count == 0 ? "none" : string.Join(", ", notFinished))}");
    }

    /// <summary>Waits up to <paramref name="slice"/> for the run's result; null when it has not ended by then.</summary>
    private static async Task<PipelineResult?> WaitSliceAsync(FlujoEngine engine, string runId, TimeSpan slice, CancellationToken cancellationToken)
    {
        try
        {
            return await engine.Client.WaitForResultAsync(runId, slice, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The Durable Task client signals the end of its wait by cancelling, not with a TimeoutException.
            return null;
        }
    }

    private static string DurableTarget(RunSettings settings) =>
        (settings.Storage is null ? "--store azurite" : "--storage \"<connection string>\"")
        + (settings.TaskHub == TaskHubSettings.DefaultTaskHub ? "" : $" --task-hub {settings.TaskHub}");

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
