using System.Text;
using Flujo.Definition.Loading;
using Flujo.Definition.Validation;

namespace Flujo.Core.Tests.Definition;

/// <summary>
/// Hostile pipeline files: each one is rejected with located errors (or loads), never with another exception, a crash,
/// a hang or a memory blow-up.
/// </summary>
public class LoaderHardeningTests
{
    private const string File = "p.yaml";

    private static IReadOnlyList<DefinitionError> Errors(string text)
    {
        var ok = PipelineLoader.TryLoad(text, File, TestCatalog.Create(), out _, out var errors);
        Assert.False(ok, "expected the file to be rejected");
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.NotNull(e.Location));
        return errors;
    }

    private static string Pipeline(string stepFields) => $"name: p\nsteps:\n  - name: s\n    agent: echo\n{stepFields}";

    // ---------------------------------------------------------------- YAML the scanner chokes on

    [Theory]
    [InlineData("name: p\nsteps: [a, b\ndefaultInput: x\n", 2)]
    [InlineData("name: p\nsteps:\n  - [a\n  - b\n", 3)]
    [InlineData("...\nname: p\n", 1)]
    public void Yaml_that_trips_the_scanner_is_a_located_syntax_error(string text, int line)
    {
        var error = Assert.Single(Errors(text));

        Assert.StartsWith("YAML syntax error", error.Message);
        Assert.Equal(line, error.Location!.Line);
    }

    [Fact]
    public void ReadName_of_yaml_that_trips_the_scanner_is_null()
    {
        Assert.Null(PipelineLoader.ReadName("name: p\nsteps: [a, b\ndefaultInput: x\n"));
        Assert.Null(PipelineLoader.ReadName("...\nname: p\n"));
    }

    [Theory]
    [InlineData("name: p\nsteps: [a, b\n")]
    [InlineData("name: p\nsteps: [\n")]
    [InlineData("[")]
    [InlineData("{a: [")]
    [InlineData("name: p\n...\ntext after the end\n")]
    [InlineData("name: p\n---\n...\nx\n")]
    public void Malformed_yaml_is_a_located_syntax_error(string text)
    {
        var errors = Errors(text);

        Assert.Contains(errors, e => e.Message.StartsWith("YAML syntax error", StringComparison.Ordinal) || e.Message.Contains("document", StringComparison.Ordinal));
    }

    // ---------------------------------------------------------------- size

    [Theory]
    [InlineData("name: p\nsteps:\n  - &a {name: s, agent: echo}\n  - *a\n  - *a\n", null)]
    [InlineData("name: p\nsteps:\n  - name: l\n    kind: loop\n    exitCondition: 'true'\n    body:\n      - &a {name: s, agent: echo}\n      - *a\n", "l/body")]
    public void A_step_repeated_through_an_alias_is_one_duplicate_name_error(string text, string? scope)
    {
        var error = Assert.Single(Errors(text));

        Assert.Equal(PipelineValidator.DuplicateStepName("s", scope, error.Location!.Line), error.Message);
        Assert.Equal(scope is null ? "s" : $"{scope}/s", error.StepPath);
    }

    [Fact]
    public void Aliases_that_expand_exponentially_are_refused_at_a_place()
    {
        // Each level is a list of ten loops whose body is the level before: 10^9 steps once expanded.
        var text = new StringBuilder("name: p\nx0: &l0 [{name: s, agent: echo}]\n");
        for (var i = 1; i <= 9; i++)
            text.Append($"x{i}: &l{i} [{string.Join(", ", Enumerable.Range(0, 10).Select(k => $"{{name: l{k}, kind: loop, exitCondition: 'true', body: *l{i - 1}}}"))}]\n");
        text.Append("steps:\n  - name: loop\n    kind: loop\n    exitCondition: 'true'\n    body: *l9\n");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var errors = Errors(text.ToString());

        // Generous (busy CI machines): unbounded, it would read a billion steps.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), watch.Elapsed.ToString());
        Assert.Contains(errors, e => e.Message.StartsWith($"More than {PipelineReader.MaxSteps:N0} steps", StringComparison.Ordinal));
    }

    [Fact]
    public void A_text_longer_than_the_limit_is_refused_at_its_start()
    {
        var text = "name: p\n#" + new string('x', PipelineLoader.MaxTextLength) + "\nsteps: []\n";

        var error = Assert.Single(Errors(text));

        Assert.Contains("longer than", error.Message);
        Assert.Equal((1, 1), (error.Location!.Line, error.Location.Column));
    }

    // ---------------------------------------------------------------- numbers beyond double

    [Fact]
    public void A_huge_integer_in_default_input_is_a_located_error()
    {
        var huge = "1" + new string('0', 400);
        var error = Assert.Single(Errors($"name: p\ndefaultInput: {huge}\nsteps:\n  - name: s\n    agent: echo\n"));

        Assert.Contains("too large", error.Message);
        Assert.Equal((2, 15), (error.Location!.Line, error.Location.Column));
    }

    [Fact]
    public void A_huge_integer_in_a_schema_is_a_located_error_not_a_crash()
    {
        var huge = "9" + new string('9', 500);
        var errors = Errors($"name: p\ninputSchema:\n  type: integer\n  maximum: {huge}\ndefaultInput: 3\nsteps:\n  - name: s\n    agent: echo\n");

        Assert.Contains(errors, e => e.Message.Contains("too large") && e.Location!.Line == 4);
    }

    [Fact]
    public void A_huge_integer_in_step_params_is_a_located_error()
    {
        var huge = "-" + new string('7', 600);
        var errors = Errors(Pipeline($"    params:\n      n: {huge}\n"));

        Assert.Contains(errors, e => e.Message.Contains("too large") && e.Location!.Line == 6);
    }

    [Fact]
    public void A_million_digit_integer_is_rejected_quickly()
    {
        var huge = "1" + new string('0', 1_000_000);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var errors = Errors($"name: p\ndefaultInput: {huge}\nsteps:\n  - name: s\n    agent: echo\n    maxRetries: {huge}\n");

        Assert.Contains(errors, e => e.Message.Contains("too large"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
    }

    // ---------------------------------------------------------------- empty names

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("''")]
    public void An_empty_agent_name_is_a_located_error(string written)
    {
        var error = Assert.Single(Errors($"name: p\nsteps:\n  - name: s\n    agent: {written}\n"));

        Assert.Contains("agent", error.Message);
        Assert.Equal((4, 12), (error.Location!.Line, error.Location.Column));
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"  \"")]
    public void An_empty_fallback_name_is_a_located_error(string written)
    {
        var error = Assert.Single(Errors(Pipeline($"    fallback: {written}\n")));

        Assert.Contains("fallback", error.Message);
        Assert.Equal((5, 15), (error.Location!.Line, error.Location.Column));
    }

    [Theory]
    [InlineData("validators")]
    [InlineData("plugins")]
    public void An_empty_component_name_is_a_located_error(string field)
    {
        var error = Assert.Single(Errors(Pipeline($"    {field}: [\"\"]\n")));

        Assert.Contains(field, error.Message);
        Assert.Equal(5, error.Location!.Line);
    }

    // ---------------------------------------------------------------- deep nesting

    [Theory]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void Deeply_nested_template_tags_are_a_located_error(int depth)
    {
        var template = string.Concat(Enumerable.Repeat("{% if a %}", depth)) + "x" + string.Concat(Enumerable.Repeat("{% endif %}", depth));

        var error = Assert.Single(Errors(Pipeline($"    input: '{template}'\n")));

        Assert.Contains("nest", error.Message);
        Assert.Equal(5, error.Location!.Line);
    }

    [Theory]
    [InlineData("{{ a", "[a", "]", " }}")]
    [InlineData("{{ ", "(", ")", "1 }}")]
    [InlineData("{% for x in ", "(", "", "")]
    [InlineData("{{ a", " | upcase", "", " }}")]
    [InlineData("{% if a", " and a", "", " %}x{% endif %}")]
    [InlineData("{% if a", " or a", "", " %}x{% endif %}")]
    public void Deeply_nested_template_expressions_are_a_located_error(string head, string open, string close, string tail)
    {
        var template = head + string.Concat(Enumerable.Repeat(open, 20_000)) + string.Concat(Enumerable.Repeat(close, 20_000)) + tail;

        var error = Assert.Single(Errors(Pipeline($"    input: '{template}'\n")));

        Assert.Contains("nest", error.Message);
    }

    [Fact]
    public void Templates_nested_up_to_the_limit_load()
    {
        var depth = Flujo.Templates.TemplateRenderer.MaxNesting;
        var template = string.Concat(Enumerable.Repeat("{% if a %}", depth / 2)) + "{{ a" + string.Concat(Enumerable.Repeat("[a", depth / 2)) +
                       new string(']', depth / 2) + " }}" + string.Concat(Enumerable.Repeat("{% endif %}", depth / 2));

        Assert.True(PipelineLoader.TryLoad(Pipeline($"    input: '{template}'\n"), File, TestCatalog.Create(), out _, out var errors), string.Join("\n", errors));
    }

    [Fact]
    public void A_deeply_nested_condition_expression_is_a_located_error()
    {
        var condition = new string('(', 50_000) + "previous";
        var text = $"name: p\nsteps:\n  - name: c\n    kind: conditional\n    condition: '{condition}'\n    branches:\n      a:\n        - name: s\n          agent: echo\n";

        var error = Assert.Single(Errors(text));

        Assert.Contains("nest", error.Message);
        Assert.Equal(5, error.Location!.Line);
    }

    [Fact]
    public void Steps_nested_deeper_than_the_limit_are_a_located_error()
    {
        var depth = PipelineValidator.MaxStepNesting + 1;
        var text = new StringBuilder("name: p\nsteps:\n");
        var indent = "  ";
        for (var i = 0; i < depth; i++)
        {
            text.Append($"{indent}- name: l{i}\n{indent}  kind: loop\n{indent}  exitCondition: 'true'\n{indent}  body:\n");
            indent += "    ";
        }
        text.Append($"{indent}- name: leaf\n{indent}  agent: echo\n");

        var error = Assert.Single(Errors(text.ToString()));

        Assert.Contains($"deeper than {PipelineValidator.MaxStepNesting}", error.Message);
        // At the body that holds the steps one level too deep.
        Assert.Equal(2 + 4 * (PipelineValidator.MaxStepNesting + 1) + 1, error.Location!.Line);
    }

    [Fact]
    public void Steps_nested_to_the_limit_load()
    {
        var depth = PipelineValidator.MaxStepNesting;
        var text = new StringBuilder("name: p\nsteps:\n");
        var indent = "  ";
        for (var i = 0; i < depth; i++)
        {
            text.Append($"{indent}- name: l{i}\n{indent}  kind: loop\n{indent}  exitCondition: 'true'\n{indent}  body:\n");
            indent += "    ";
        }
        text.Append($"{indent}- name: leaf\n{indent}  agent: echo\n");

        Assert.True(PipelineLoader.TryLoad(text.ToString(), File, TestCatalog.Create(), out _, out var errors), string.Join("\n", errors));
    }
}
