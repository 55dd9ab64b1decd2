using Flujo.Cli.Rendering;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Flujo.Cli;

/// <summary>Reports an exception that escaped a command, or the argument parser, on stderr and picks the exit code.</summary>
internal static class CliErrors
{
    public static int Report(Exception exception)
    {
        var errors = Consoles.Error;
        if (exception is CommandAppException argumentError)
        {
            // Unknown option or command, missing argument, unconvertible value, failed settings validation.
            if (argumentError.Pretty is { } pretty) errors.Write(pretty);
            else errors.MarkupLine($"[red]error[/] {Markup.Escape(argumentError.Message)}");
            return ExitCodes.InvalidInput;
        }

        // Anything else is a fault while running, not a problem with what the user typed.
        errors.MarkupLine($"[red]error[/] {Markup.Escape(exception.GetType().Name)}: {Markup.Escape(exception.Message)}");
        return ExitCodes.RunFailed;
    }
}
