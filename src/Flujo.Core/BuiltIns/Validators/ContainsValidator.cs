using Flujo.Validators;

namespace Flujo.BuiltIns.Validators;

/// <summary>
/// <c>contains</c>: the output text (a string as it is, any other value as compact JSON) must contain <c>text</c>,
/// every entry of <c>all</c>, and at least one entry of <c>any</c> (give one or more of the three). Substring match,
/// ordinal; <c>ignoreCase: true</c> ignores case. Every unmet condition is reported.
/// </summary>
public sealed class ContainsValidator : IValidator
{
    public const string RegisteredName = "contains";

    public ValueTask<ValidationResult> ValidateAsync(ValidatorContext context, CancellationToken cancellationToken)
    {
        var parameters = new BuiltInParameters(RegisteredName, context.Parameters, "text", "any", "all", "ignoreCase");
        var text = parameters.OptionalString("text", "a non-empty string");
        if (text is { Length: 0 }) throw parameters.Invalid("text", "a non-empty string", context.Parameters["text"]);
        var any = parameters.OptionalStringArray("any");
        var all = parameters.OptionalStringArray("all");
        var comparison = parameters.OptionalBool("ignoreCase", false) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (text is null && any is null && all is null)
            throw new ArgumentException($"{RegisteredName}: give parameter 'text' (a string), 'all' or 'any' (arrays of strings).");

        var output = BuiltInText.ToText(context.Output);
        var problems = new List<string>();
        if (text is not null && !output.Contains(text, comparison))
            problems.Add($"Output does not contain {Quote(text)}.");
        if (all is not null)
        {
            var missing = all.Where(item => !output.Contains(item, comparison)).ToList();
            if (missing.Count > 0) problems.Add($"Output does not contain {string.Join(", ", missing.Select(Quote))}.");
        }
        if (any is not null && !any.Any(item => output.Contains(item, comparison)))
            problems.Add($"Output contains none of {string.Join(", ", any.Select(Quote))}.");

        return ValueTask.FromResult(problems.Count == 0 ? ValidationResult.Valid() : ValidationResult.Invalid(string.Join(" ", problems)));
    }

    private static string Quote(string value) => $"'{value}'";
}
