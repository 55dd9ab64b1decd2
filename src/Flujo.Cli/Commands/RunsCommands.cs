using System.Text.Json;
using System.Text.Json.Nodes;
using DurableTask.Core;
using Flujo.Api;
using Flujo.Api.Inspection;
using Flujo.Api.Resume;
using Flujo.Cli.Inspection;
using Flujo.Cli.Rendering;
using Flujo.Definition;
using Flujo.Durable.Runs;
using Flujo.Json;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli.Commands;

/// <summary><c>flujo runs start &lt;file&gt;</c>: schedules a run on the task hub (a worker runs it) and prints its id.</summary>
public sealed class RunsStartCommand : AsyncCommand<RunsStartSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunsStartSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        PipelineDefinition pipeline;
        JsonNode? input;
        JsonObject? runContext;
        try
        {
            using (var services = CliServices.Create().BuildServiceProvider())
                pipeline = CliServices.LoadPipeline(settings.File, services);
            input = settings.Input is null ? pipeline.DefaultInput?.DeepClone() : FlujoJson.ParseOrString(settings.Input);
            runContext = RunCommand.ParseContext(settings.Context);
        }
        catch (PipelineDefinitionException ex)
        {
            foreach (var error in ex.Errors) errors.MarkupLine($"[red]error[/] {Markup.Escape(error.ToString())}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is ArgumentException or JsonException)
        {
            errors.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidInput;
        }
        // As over HTTP: input failing the input schema never reaches the task hub.
        if (FlujoApi.InputErrors(pipeline, input) is { } schemaErrors)
        {
            foreach (var error in schemaErrors) errors.MarkupLine($"[red]error[/] input: {Markup.Escape(error)}");
            return ExitCodes.InvalidInput;
        }

        using var hub = await TaskHubTarget.ConnectAsync(settings, cancellationToken);
        if (hub is null) return ExitCodes.RunFailed;
        string runId;
        try
        {
            await hub.EnsureCreatedAsync();
            runId = await hub.Runs.StartAsync(pipeline, input, runContext, settings.RunId, cancellationToken);
        }
        catch (RunAlreadyExistsException ex)
        {
            errors.MarkupLine($"[red]error[/] {Markup.Escape(ex.Message)}");
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TaskHubTarget.ReportStorageError(settings, ex);
        }

        if (settings.Json)
            Console.Out.WriteLine(new JsonObject { ["id"] = runId, ["pipeline"] = pipeline.Name, ["taskHub"] = settings.TaskHub }.ToJsonString(FlujoJson.Indented));
        else
        {
            errors.MarkupLine($"[grey]Scheduled run of {Markup.Escape(pipeline.Name)} v{Markup.Escape(pipeline.Version)} on {Markup.Escape(TaskHubTarget.Describe(settings))}; a worker (flujo worker) runs it.[/]");
            Console.Out.WriteLine(runId);
        }
        return ExitCodes.Success;
    }
}

/// <summary><c>flujo runs list</c>: the task hub's runs (its Instances table), through DurableTask.Core's query client.</summary>
public sealed class RunsListCommand : AsyncCommand<RunsListSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunsListSettings settings, CancellationToken cancellationToken)
    {
        using var hub = await TaskHubTarget.ConnectAsync(settings, cancellationToken);
        if (hub is null) return ExitCodes.RunFailed;
        var statuses = settings.Status.Select(s => Enum.Parse<OrchestrationStatus>(s, ignoreCase: true)).ToList();
        var runs = new List<RunSnapshot>();
        try
        {
            string? token = null;
            do
            {
                var page = await hub.ListAsync(Math.Min(100, settings.Top - runs.Count), token, settings.Prefix, statuses, cancellationToken);
                runs.AddRange(page.Runs);
                token = page.ContinuationToken;
            }
            while (token is not null && runs.Count < settings.Top);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TaskHubTarget.ReportStorageError(settings, ex);
        }

        runs = runs.OrderByDescending(r => r.CreatedAt).Take(settings.Top).ToList();
        if (settings.Json)
        {
            var list = new JsonArray(runs.Select(r =>
            {
                var view = FlujoApi.RunView(r);
                view.Remove("result");
                return (JsonNode?)view;
            }).ToArray());
            Console.Out.WriteLine(new JsonObject { ["runs"] = list }.ToJsonString(FlujoJson.Indented));
        }
        else if (runs.Count == 0)
            Consoles.Error.MarkupLine($"No runs on {Markup.Escape(TaskHubTarget.Describe(settings))}.");
        else
            RunRenderer.WriteList(Consoles.Out, runs);
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>flujo runs show &lt;id&gt;</c>: a run's step tree with timings, attempts, costs and the feedback of failed attempts (the run
/// timeline, <c>GET /api/runs/{id}/timeline</c>), from a task hub or from a Flujo HTTP API (<c>--server</c>); <c>--json</c> writes the
/// timeline JSON. Exit 2 for an unknown run, 1 when the store or server cannot be reached.
/// </summary>
public sealed class RunsShowCommand : AsyncCommand<RunsShowSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunsShowSettings settings, CancellationToken cancellationToken)
    {
        var (timeline, exitCode) = settings.ServerUri is { } server
            ? await ServerTimelineReader.ReadAsync(server, settings.Id, settings.ApiKey ?? Environment.GetEnvironmentVariable("FLUJO_API_KEY"), cancellationToken)
            : await ReadFromTaskHubAsync(settings, cancellationToken);
        if (timeline is null) return exitCode;

        if (settings.Json) Console.Out.WriteLine(timeline.ToJsonString(FlujoJson.Indented));
        else TimelineRenderer.Write(Consoles.Out, timeline);
        return ExitCodes.Success;
    }

    private static async Task<(JsonObject? Timeline, int ExitCode)> ReadFromTaskHubAsync(RunsShowSettings settings, CancellationToken cancellationToken)
    {
        using var hub = await TaskHubTarget.ConnectAsync(settings, cancellationToken);
        if (hub is null) return (null, ExitCodes.RunFailed);
        try
        {
            var run = await hub.Runs.GetAsync(settings.Id, cancellationToken);
            if (run is null)
            {
                Consoles.Error.MarkupLine($"[red]error[/] No run with id '{Markup.Escape(settings.Id)}' on {Markup.Escape(TaskHubTarget.Describe(settings))}.");
                return (null, ExitCodes.InvalidInput);
            }
            var waiting = await HumanWaitFinder.FindAsync(hub.Runs, run, cancellationToken);
            return (await RunTimeline.BuildAsync(hub.Runs, run, waiting, cancellationToken), ExitCodes.Success);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, TaskHubTarget.ReportStorageError(settings, ex));
        }
    }
}

/// <summary><c>flujo runs cancel &lt;id&gt;</c>: terminates a run that has not ended; it ends cancelled.</summary>
public sealed class RunsCancelCommand : AsyncCommand<RunsCancelSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunsCancelSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        using var hub = await TaskHubTarget.ConnectAsync(settings, cancellationToken);
        if (hub is null) return ExitCodes.RunFailed;
        try
        {
            var run = await hub.Runs.GetAsync(settings.Id, cancellationToken);
            if (run is null)
            {
                errors.MarkupLine($"[red]error[/] No run with id '{Markup.Escape(settings.Id)}' on {Markup.Escape(TaskHubTarget.Describe(settings))}.");
                return ExitCodes.InvalidInput;
            }
            if (run.IsFinished)
            {
                errors.MarkupLine($"[red]error[/] Run '{Markup.Escape(settings.Id)}' has already ended ({Markup.Escape(run.RuntimeStatus)}).");
                return ExitCodes.RunFailed;
            }
            await hub.Runs.CancelAsync(settings.Id, string.IsNullOrWhiteSpace(settings.Reason) ? "Cancelled by request" : settings.Reason, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TaskHubTarget.ReportStorageError(settings, ex);
        }

        if (settings.Json) Console.Out.WriteLine(new JsonObject { ["id"] = settings.Id, ["status"] = "cancelling" }.ToJsonString(FlujoJson.Indented));
        else errors.MarkupLine($"Cancelling run {Markup.Escape(settings.Id)}; it ends cancelled when a worker processes the request.");
        return ExitCodes.Success;
    }
}

/// <summary>
/// <c>flujo runs resume &lt;id&gt; --input &lt;answer&gt;</c>: answers a run's waiting human step, as <c>POST /api/runs/{id}/resume</c>
/// does: exit 2 for an unknown run, an answer failing the step's schema (the run stays paused) or a <c>--step</c> that does
/// not name one waiting step; exit 1 when no step waits; 0 once the answer is sent.
/// </summary>
public sealed class RunsResumeCommand : AsyncCommand<RunsResumeSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, RunsResumeSettings settings, CancellationToken cancellationToken)
    {
        var errors = Consoles.Error;
        var answer = FlujoJson.ParseOrString(settings.Input);
        using var hub = await TaskHubTarget.ConnectAsync(settings, cancellationToken);
        if (hub is null) return ExitCodes.RunFailed;
        ResumeOutcome outcome;
        try
        {
            outcome = await new RunResumer(hub.Runs).ResumeAsync(settings.Id, answer, settings.Step, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return TaskHubTarget.ReportStorageError(settings, ex);
        }

        var id = Markup.Escape(settings.Id);
        switch (outcome.Status)
        {
            case ResumeStatus.RunNotFound:
                errors.MarkupLine($"[red]error[/] No run with id '{id}' on {Markup.Escape(TaskHubTarget.Describe(settings))}.");
                return ExitCodes.InvalidInput;
            case ResumeStatus.NotPaused:
                errors.MarkupLine($"[red]error[/] Run '{id}' is {Markup.Escape(StatusText(outcome.Run!))}: no human step waits, so there is nothing to resume.");
                return ExitCodes.RunFailed;
            case ResumeStatus.StepRequired:
                errors.MarkupLine($"[red]error[/] Run '{id}' waits at {outcome.Waiting.Count} human steps; say which with --step:");
                foreach (var path in outcome.WaitingPaths) errors.MarkupLine($"  {Markup.Escape(path)}");
                return ExitCodes.InvalidInput;
            case ResumeStatus.StepNotWaiting:
                errors.MarkupLine($"[red]error[/] Step '{Markup.Escape(settings.Step!)}' of run '{id}' is not waiting for an answer; waiting: {Markup.Escape(string.Join(", ", outcome.WaitingPaths))}.");
                return ExitCodes.InvalidInput;
            case ResumeStatus.InvalidAnswer:
                errors.MarkupLine($"[red]error[/] The answer does not match the schema of step '{Markup.Escape(outcome.Wait!.StepPath)}'; nothing was sent and the run stays paused:");
                foreach (var error in outcome.Errors!) errors.MarkupLine($"  [red]-[/] {Markup.Escape(error)}");
                return ExitCodes.InvalidInput;
        }

        var step = outcome.Wait!.StepPath;
        if (settings.Json)
            Console.Out.WriteLine(new JsonObject { ["runId"] = settings.Id, ["step"] = step, ["status"] = "resuming" }.ToJsonString(FlujoJson.Indented));
        else
            errors.MarkupLine($"Resumed run {id} at step {Markup.Escape(step)}; it continues when a worker processes the answer (flujo runs show {id}).");
        return ExitCodes.Success;
    }

    private static string StatusText(RunSnapshot run) =>
        JsonSerializer.SerializeToNode(run.Status, FlujoJson.Options)!.GetValue<string>();
}
