using System.Text.RegularExpressions;
using Flujo.Json;
using Flujo.Validators;

namespace Flujo.BuiltIns.Validators;

/// <summary>
/// <c>regex</c>: the output text (a string as it is, any other value as compact JSON) must contain a match of
/// <c>pattern</c> (.NET syntax; anchor with <c>^…$</c> to match the whole text), or, with <c>mustMatch: false</c>,
/// must not. Matching stops after <see cref="PatternTimeout.Value"/> (200 ms), which counts as invalid.
/// </summary>
public sealed class RegexValidator : IValidator
{
    public const string RegisteredName = "regex";

    public ValueTask<ValidationResult> ValidateAsync(ValidatorContext context, CancellationToken cancellationToken)
    {
        var parameters = new BuiltInParameters(RegisteredName, context.Parameters, "pattern", "mustMatch");
        var pattern = parameters.RequireString("pattern", "a regular expression string");
        var mustMatch = parameters.OptionalBool("mustMatch", true);

        Regex regex;
        try
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout.Value);
        }
        catch (ArgumentException ex)
        {
            throw parameters.Invalid("pattern", $"is not a valid regular expression: {ex.Message}");
        }

        Match match;
        try
        {
            match = regex.Match(BuiltInText.ToText(context.Output));
        }
        catch (RegexMatchTimeoutException)
        {
            return ValueTask.FromResult(ValidationResult.Invalid($"Output is invalid: {PatternTimeout.Message(pattern)}."));
        }

        if (mustMatch && !match.Success)
            return ValueTask.FromResult(ValidationResult.Invalid($"Output does not match the pattern '{pattern}'."));
        if (!mustMatch && match.Success)
            return ValueTask.FromResult(ValidationResult.Invalid($"Output matches the forbidden pattern '{pattern}' (at '{match.Value}')."));
        return ValueTask.FromResult(ValidationResult.Valid());
    }
}
