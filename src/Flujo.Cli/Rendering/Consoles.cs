using Spectre.Console;

namespace Flujo.Cli.Rendering;

/// <summary>stdout carries results; stderr carries progress and errors (so <c>--json</c> output stays clean).</summary>
internal static class Consoles
{
    public static IAnsiConsole Out { get; } = AnsiConsole.Console;

    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Error),
    });
}
