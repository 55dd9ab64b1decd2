using System.Text;

namespace Flujo.Core.Tests.Definition;

/// <summary>
/// Worst-case 1 MiB pipeline texts, one per shape: used by <c>LargeFileTests</c> and by the loader bench
/// (<c>bench/Flujo.Bench --loader</c>, which compiles this file), so both measure the same files.
/// </summary>
internal static class LargeFileShapes
{
    public const int Size = 1024 * 1024;

    public static readonly IReadOnlyDictionary<string, Func<string>> Builders = new Dictionary<string, Func<string>>(StringComparer.Ordinal)
    {
        ["many-steps"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: step_{i}\n    agent: echo\n    input: '{{{{ previous }}}}'\n"),
        ["unknown-fallbacks"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: step_{i}\n    agent: echo\n    fallback: missing_{i}\n"),
        ["fallback-chain"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    fallback: s{i + 1}\n"),
        ["near-miss-keys"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    maxRetires: 1\n    fallbak: x\n"),
        ["unknown-agents"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: ech{i}\n"),
        ["unknown-tools"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    params: {{tools: [tool{i}, lookup]}}\n"),
        ["long-names"] = () => $"name: p\nsteps:\n  - name: {new string('a', Size / 3)}\n    agent: {new string('b', Size / 3)}\n    fallback: {new string('c', Size / 3)}\n",
        ["numbers"] = () => Repeat("name: p\nsteps: [{name: s, agent: echo}]\ndefaultInput: [", i => $"{i}.5, ", "0]\n"),
        ["huge-numbers"] = () => Repeat("name: p\nsteps: [{name: s, agent: echo}]\ndefaultInput: [", _ => new string('9', 500) + ", ", "0]\n"),
        ["deep-flow"] = () => Repeat("name: p\nsteps: [{name: s, agent: echo}]\ndefaultInput: [", _ => new string('[', 150) + new string(']', 150) + ", ", "0]\n"),
        ["deep-templates"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    input: '{string.Concat(Enumerable.Repeat("{% if a %}", 31))}x{string.Concat(Enumerable.Repeat("{% endif %}", 31))}'\n"),
        ["too-deep-templates"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: s{i}\n    agent: echo\n    input: '{string.Concat(Enumerable.Repeat("{% if a %}", 200))}'\n"),
        ["block-text"] = () => "name: p\nsteps:\n  - name: s\n    agent: echo\n    input: |\n" + Repeat("", _ => "      some text {{ previous }} and more\n"),
        ["aliases"] = () => Repeat("name: p\nx: &a {name: s, agent: echo}\nsteps:\n", _ => "  - *a\n"),
        ["aliased-bodies"] = () => Repeat(
            $"name: p\nsteps:\n  - {{name: l, kind: loop, exitCondition: 'true', body: &b [{string.Join(", ", Enumerable.Range(0, 100).Select(i => $"{{name: a{i}, agent: echo}}"))}]}}\n",
            i => $"  - {{name: l{i}, kind: loop, exitCondition: 'true', body: *b}}\n"),
        ["nested-steps"] = () => Repeat("name: p\nsteps:\n", i => $"  - name: l{i}\n    kind: loop\n    exitCondition: 'true'\n    body:\n      - name: m\n        kind: parallel\n        branches:\n          a: [{{name: x, agent: echo}}]\n          b: [{{name: y, agent: echo, fallback: z}}, {{name: z, agent: echo}}]\n"),
        ["token-soup"] = () => Repeat("", i => "[{:,-? &a *a !!int '\"|>\n"[i % 20].ToString()),
    };

    private static string Repeat(string head, Func<int, string> item, string tail = "")
    {
        var text = new StringBuilder(head, Size + 1000);
        for (var i = 0; text.Length < Size - tail.Length; i++) text.Append(item(i));
        return text.Append(tail).ToString();
    }
}
