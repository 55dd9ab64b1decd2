using Spectre.Console;

namespace Flujo.Cli.Rendering;

/// <summary>stdout carries results; stderr carries progress and errors (so <c>--json</c> output stays clean).</summary>
internal static class Consoles
{
    /// <summary>Width used when the output is redirected: wide enough that no message is wrapped.</summary>
    private const int RedirectedWidth = 4096;

    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Error { get; } = Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        // A redirected stream is read by programs, logs and grep: Spectre would wrap it at an assumed 80 columns, splitting
        // "file:line:column: message" lines. Keep each message on one line instead.
        if (redirected) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
