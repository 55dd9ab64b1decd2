using Flujo.Cli;
using Flujo.Cli.Commands;
using Flujo.Cli.Rendering;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("flujo");
    // flujo --version: the package version (Directory.Build.props).
    config.UseAssemblyInformationalVersion();
    config.ConfigureConsole(Consoles.Out);
    // An unknown option is a bad argument (exit 2), not something to ignore.
    config.UseStrictParsing();
    // Argument errors go to stderr, so that stdout stays clean for --json, and map to the contract's exit codes.
    config.SetExceptionHandler((exception, _) => CliErrors.Report(exception));
    config.AddCommand<RunCommand>("run")
        .WithDescription("Run a pipeline file on the embedded Durable Task engine, with live progress.")
        .WithExample("run", "samples/support-triage.yaml")
        .WithExample("run", "samples/support-triage.yaml", "--input", "\"My invoice is wrong\"", "--json");
    config.AddCommand<ValidateCommand>("validate")
        .WithDescription("Check a pipeline file without running it; every problem with file, line and column.")
        .WithExample("validate", "samples/support-triage.yaml");
    config.AddCommand<ServeCommand>("serve")
        .WithDescription("Serve the Functions app's HTTP API on 127.0.0.1 (same routes, statuses and payloads) over the embedded engine.")
        .WithExample("serve")
        .WithExample("serve", "--port", "8080", "--pipelines", "samples", "--store", "azurite");
    config.AddCommand<WorkerCommand>("worker")
        .WithDescription("Run the runs of a task hub on Azure Storage until Ctrl+C / SIGTERM; several workers share one task hub.")
        .WithExample("worker", "--store", "azurite")
        .WithExample("worker", "--storage", "\"<connection string>\"", "--worker-id", "worker-1");
    config.AddBranch("store", store =>
    {
        store.SetDescription("The local store of --store azurite: Azurite in the background, its data in .flujo/azurite; it keeps running between commands.");
        store.AddCommand<StoreStartCommand>("start").WithDescription("Start the local store (if it is not running).").WithExample("store", "start");
        store.AddCommand<StoreStatusCommand>("status").WithDescription("Say whether the local store runs, and where its data are.").WithExample("store", "status");
        store.AddCommand<StoreStopCommand>("stop").WithDescription("Stop the local store with SIGTERM; its data stay on disk.").WithExample("store", "stop");
    });
    config.AddBranch("runs", runs =>
    {
        runs.SetDescription("Start, list, show, resume and cancel runs on a task hub on Azure Storage (workers run them).");
        runs.AddCommand<RunsStartCommand>("start").WithDescription("Schedule a run of a pipeline file; prints its id.")
            .WithExample("runs", "start", "samples/support-triage.yaml", "--store", "azurite");
        runs.AddCommand<RunsListCommand>("list").WithDescription("List the task hub's runs, newest first.")
            .WithExample("runs", "list", "--store", "azurite", "--status", "Running");
        runs.AddCommand<RunsShowCommand>("show").WithDescription("Show a run as a tree of steps with timings, attempts, costs and the feedback of failed attempts.")
            .WithExample("runs", "show", "support-triage-1a2b", "--store", "azurite", "--json");
        runs.AddCommand<RunsResumeCommand>("resume").WithDescription("Answer a run's waiting human step; the run goes on.")
            .WithExample("runs", "resume", "review-1a2b", "--input", "{\"approved\": true}", "--store", "azurite");
        runs.AddCommand<RunsCancelCommand>("cancel").WithDescription("Cancel a run that has not ended.")
            .WithExample("runs", "cancel", "support-triage-1a2b", "--store", "azurite");
    });
});

var exitCode = await app.RunAsync(args);
// Spectre reports its own errors as -1; the contract says 2 for bad arguments.
return exitCode < 0 ? ExitCodes.InvalidInput : exitCode;
