using Flujo.Cli;
using Flujo.Cli.Commands;
using Flujo.Cli.Rendering;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("flujo");
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
});

var exitCode = await app.RunAsync(args);
// Spectre reports its own errors as -1; the contract says 2 for bad arguments.
return exitCode < 0 ? ExitCodes.InvalidInput : exitCode;
