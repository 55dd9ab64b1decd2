using Flujo.Cli.Tests.Support;

namespace Flujo.Cli.Tests;

/// <summary>
/// <c>flujo validate</c> and <c>flujo run</c> on hostile pipeline files: located errors and exit 2, never another exception
/// (exit 1), a stack overflow (exit 134) or a hang.
/// </summary>
public sealed class HostileFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public static TheoryData<string, string, int> Files() => new()
    {
        { "open-flow", "name: p\nsteps: [a, b\ndefaultInput: x\n", 2 },
        { "after-document-end", "...\nname: p\n", 1 },
        { "huge-integer", $"name: p\ndefaultInput: 1{new string('0', 400)}\nsteps:\n  - name: s\n    agent: echo\n", 2 },
        { "deep-template", $"name: p\nsteps:\n  - name: s\n    agent: echo\n    input: '{string.Concat(Enumerable.Repeat("{% if a %}", 20_000))}'\n", 5 },
        { "deep-expression", $"name: p\nsteps:\n  - name: s\n    agent: echo\n    input: '{{{{ {new string('(', 50_000)} }}}}'\n", 5 },
        { "empty-agent", "name: p\nsteps:\n  - name: s\n    agent: \"\"\n", 4 },
        { "empty-fallback", "name: p\nsteps:\n  - name: s\n    agent: echo\n    fallback: \"  \"\n", 5 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Validate_HostileFile_ExitsTwoWithItsLine(string name, string text, int line)
    {
        _folder.Write($"{name}.yaml", text);

        var cli = await _folder.FlujoAsync("validate", $"{name}.yaml");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
        Assert.Contains(cli.StderrLines, l => l.Contains($"{name}.yaml:{line}:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("huge-integer")]
    [InlineData("deep-template")]
    public async Task Run_HostileFile_ExitsTwo(string name)
    {
        var (_, text, _) = Files().Select(row => ((string)row[0], (string)row[1], (int)row[2])).Single(row => row.Item1 == name);
        _folder.Write($"{name}.yaml", text);

        var cli = await _folder.FlujoAsync("run", $"{name}.yaml", "--json");

        Assert.True(cli.ExitCode == ExitCodes.InvalidInput, cli.ToString());
    }

    public void Dispose() => _folder.Dispose();
}
