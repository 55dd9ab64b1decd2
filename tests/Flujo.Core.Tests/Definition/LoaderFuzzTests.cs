using System.Diagnostics;
using System.Text;
using CsCheck;
using Flujo.Definition.Loading;

namespace Flujo.Core.Tests.Definition;

/// <summary>
/// Property-based fuzzing of the pipeline loader (CsCheck): whatever the text, <see cref="PipelineLoader.TryLoad"/> either
/// loads it or rejects it with located errors; it never throws, overflows the stack or runs away. CI runs a few hundred
/// cases per property (a few seconds); a long run: <c>FLUJO_FUZZ_ITER=200000 dotnet test tests/Flujo.Core.Tests --filter LoaderFuzzTests</c>
/// (a failure prints the seed; <c>FLUJO_FUZZ_SEED=&lt;seed&gt;</c> replays it).
/// </summary>
public class LoaderFuzzTests
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("FLUJO_FUZZ_ITER"), out var n) && n > 0 ? n : 300;
    private static readonly string? Seed = Environment.GetEnvironmentVariable("FLUJO_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    private static readonly string[] Samples = LoadSamples();

    /// <summary>Characters that mean something to YAML, Liquid or the loader, and some that mean nothing.</summary>
    private const string Alphabet = "[]{}:,-?!&*#|>'\"%@`~.\n\n  \t\r\\/()0123456789aeiouxyzAE_$+^=<\u00e9\u0000\u200b\ufeff";

    private static readonly string[] Tokens =
    [
        "name: ", "steps:", "fallbacks:", "agent: ", "kind: ", "loop", "map", "parallel", "conditional", "router", "human", "pipeline",
        "body:", "branches:", "default:", "fallback: ", "input: ", "condition: ", "exitCondition: ", "items: ", "params:", "defaultInput: ",
        "inputSchema:", "context:", "schema:", "pattern: ", "maxRetries: ", "timeout: ", "cache: ", "limits:", "totalTokens: ",
        "validators:", "plugins:", "processors:", "echo", "- ", "  ", "    ", "\n", "&a ", "*a", "&b ", "*b", "!!int ", "!!str ", "!!float ",
        "---\n", "...\n", "? ", "[", "]", "{", "}", ", ", "'", "\"", "|\n", ">\n", "{{ ", " }}", "{% if a %}", "{% endif %}", "{% for x in y %}",
        "{% endfor %}", " | upcase", " and ", "(", ")", "1", "-1", "0x1F", "0o7", "1e400", ".inf", ".nan", "~", "null", "true", "\"\"",
        "99999999999999999999999999999999999999", "#c\n", "%YAML 1.2\n", "\u0000", "\t",
    ];

    private static string[] LoadSamples()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var samples = Path.Combine(dir.FullName, "samples");
            if (File.Exists(Path.Combine(dir.FullName, "Flujo.Functions.sln")) && Directory.Exists(samples))
                return Directory.GetFiles(samples, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();
        }
        throw new DirectoryNotFoundException("samples/ not found above the test assembly");
    }

    /// <summary>The property: loads, or fails with errors that each say where; quickly.</summary>
    private static void LoadsOrIsRejectedWithLocations(string text)
    {
        var watch = Stopwatch.StartNew();
        var ok = PipelineLoader.TryLoad(text, "fuzz.yaml", TestCatalog.Create(), out var pipeline, out var errors);
        if (ok)
        {
            Assert.NotNull(pipeline);
            Assert.Empty(errors);
        }
        else
        {
            Assert.NotEmpty(errors);
            foreach (var error in errors)
            {
                Assert.NotNull(error.Location);
                Assert.True(error.Location.Line >= 1 && error.Location.Column >= 1, error.ToString());
                Assert.False(string.IsNullOrWhiteSpace(error.Message));
            }
        }
        // Generous: a run-away (seconds per case) is the failure looked for, not a slow machine.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed} for a {text.Length}-character text");
        PipelineLoader.ReadName(text);
    }

    private static void Check(Gen<string> gen) =>
        gen.Sample(LoadsOrIsRejectedWithLocations, seed: Seed, iter: Iterations, time: -1,
            print: text => text.Length > 2000 ? text[..2000] + $"… ({text.Length} characters)" : text);

    // ---------------------------------------------------------------- generators

    private static readonly Gen<char> AlphabetChar = Gen.Int[0, Alphabet.Length - 1].Select(i => Alphabet[i]);

    private static readonly Gen<string> Snippet = Gen.OneOf(
        Gen.Int[0, Tokens.Length - 1].Select(i => Tokens[i]),
        AlphabetChar.Array[1, 8].Select(chars => new string(chars)),
        Gen.String[0, 12]);

    /// <summary>One edit of a text: delete, insert, duplicate, truncate, swap two lines.</summary>
    private static Gen<string> Mutate(string text) =>
        Gen.Int[0, 4].SelectMany(kind => Gen.Int[0, text.Length].SelectMany(at => Gen.Int[0, Math.Max(0, text.Length - at)].SelectMany(length =>
            Snippet.Select(snippet => kind switch
            {
                0 => text.Remove(at, Math.Min(length, 40)),
                1 => text.Insert(at, snippet),
                2 => text.Insert(at, text.Substring(at, Math.Min(length, 200))),
                3 => text[..at],
                _ => SwapLines(text, at, length),
            }))));

    private static string SwapLines(string text, int a, int b)
    {
        var lines = text.Split('\n');
        if (lines.Length < 2) return text;
        var i = a % lines.Length;
        var j = b % lines.Length;
        (lines[i], lines[j]) = (lines[j], lines[i]);
        return string.Join('\n', lines);
    }

    private static Gen<string> MutateTimes(string text, int times) =>
        times == 0 ? Gen.Const(text) : Mutate(text).SelectMany(next => MutateTimes(next, times - 1));

    [Fact]
    public void Mutated_samples_load_or_are_rejected_with_locations() =>
        Check(Gen.Int[0, Samples.Length - 1].SelectMany(i => Gen.Int[1, 6].SelectMany(times => MutateTimes(Samples[i], times))));

    [Fact]
    public void Random_token_soup_loads_or_is_rejected_with_locations() =>
        Check(Snippet.Array[0, 80].Select(parts => string.Concat(parts)));

    [Fact]
    public void Random_unicode_text_loads_or_is_rejected_with_locations() =>
        Check(Gen.String[0, 300]);

    /// <summary>Deep nesting, huge scalars, long names and aliases, placed in the fields that read them.</summary>
    [Fact]
    public void Extreme_shapes_load_or_are_rejected_with_locations()
    {
        var depth = Gen.Int[1, 3000];
        var extreme = Gen.OneOf(
            depth.Select(d => new string('[', d) + new string(']', d)),
            depth.Select(d => new string('[', d)),
            depth.Select(d => string.Concat(Enumerable.Repeat("{a: ", d)) + "1" + new string('}', d)),
            depth.Select(d => "'" + string.Concat(Enumerable.Repeat("{% if a %}", d)) + "'"),
            depth.Select(d => "'{{ " + new string('(', d) + "a" + new string(')', d) + " }}'"),
            depth.Select(d => "'{{ a" + string.Concat(Enumerable.Repeat(" | upcase", d)) + " }}'"),
            depth.Select(d => "'" + string.Join(" and ", Enumerable.Repeat("a", d)) + "'"),
            depth.Select(d => new string('9', d)),
            depth.Select(d => "-0x" + new string('F', d)),
            depth.Select(d => "1" + new string('0', d) + ".5e" + d),
            depth.Select(d => new string('x', d * 50)),
            depth.Select(d => "\"" + new string('\\', d % 2 == 0 ? d : d + 1) + "\""),
            Gen.Int[1, 12].Select(levels => AliasBomb(levels)));
        var field = Gen.OneOf(Gen.Const("defaultInput"), Gen.Const("input"), Gen.Const("condition"), Gen.Const("agent"), Gen.Const("fallback"),
            Gen.Const("name"), Gen.Const("params"), Gen.Const("maxRetries"), Gen.Const("timeout"), Gen.Const("pattern"), Gen.Const("body"));
        Check(Gen.Select(field, extreme, (f, value) => Place(f, value)));
    }

    [Fact]
    public void Deeply_nested_steps_load_or_are_rejected_with_locations() =>
        Check(Gen.Int[1, 60].SelectMany(d => Gen.Int[0, 3].Select(kind => NestedSteps(d, kind))));

    private static string AliasBomb(int levels)
    {
        var text = new StringBuilder("&l0 [{name: s, agent: echo}]");
        for (var i = 1; i < levels; i++)
            text.Insert(0, $"&l{i} [").Append($", {string.Join(", ", Enumerable.Repeat($"*l{i - 1}", 3))}]");
        return text.ToString();
    }

    private static string Place(string field, string value) => field switch
    {
        "defaultInput" => $"name: p\ndefaultInput: {value}\nsteps:\n  - name: s\n    agent: echo\n",
        "pattern" => $"name: p\ninputSchema:\n  type: string\n  pattern: {value}\ndefaultInput: aaaaaaaaaaaaaaaaaaaaaaaaaaaa!\nsteps:\n  - name: s\n    agent: echo\n",
        "condition" => $"name: p\nsteps:\n  - name: c\n    kind: conditional\n    condition: {value}\n    branches:\n      a:\n        - name: s\n          agent: echo\n",
        "body" => $"name: p\nsteps:\n  - name: l\n    kind: loop\n    exitCondition: 'true'\n    body: {value}\n",
        "params" => $"name: p\nsteps:\n  - name: s\n    agent: echo\n    params:\n      x: {value}\n",
        _ => $"name: p\nsteps:\n  - name: s\n    agent: echo\n    {field}: {value}\n".Replace("    agent: echo\n    agent:", "    agent:"),
    };

    private static string NestedSteps(int depth, int kind)
    {
        var text = new StringBuilder("name: p\nsteps:\n");
        var indent = "  ";
        for (var i = 0; i < depth; i++)
        {
            var (head, list) = kind switch
            {
                0 => ($"kind: loop\n{indent}  exitCondition: 'true'\n{indent}  body:", "body"),
                1 => ("kind: map\n" + indent + "  items: previous\n" + indent + "  body:", "body"),
                2 => ("kind: conditional\n" + indent + "  condition: previous\n" + indent + "  default:", "default"),
                _ => ("kind: parallel\n" + indent + "  branches:\n" + indent + "    b:", "branch"),
            };
            text.Append($"{indent}- name: n{i}\n{indent}  {head}\n");
            indent += list == "branch" ? "      " : "    ";
        }
        text.Append($"{indent}- name: leaf\n{indent}  agent: echo\n");
        return text.ToString();
    }
}
