using System.Text.Json.Nodes;
using Flujo.Validators;

namespace Flujo.BuiltIns.Validators;

/// <summary>
/// <c>length</c>: the output's length must lie within <c>min</c> and <c>max</c> (inclusive; give either or both).
/// An array is measured in items; anything else in characters (Unicode code points) of its text: a string as it is,
/// other values as compact JSON, null as empty.
/// </summary>
public sealed class LengthValidator : IValidator
{
    public const string RegisteredName = "length";

    public ValueTask<ValidationResult> ValidateAsync(ValidatorContext context, CancellationToken cancellationToken)
    {
        var parameters = new BuiltInParameters(RegisteredName, context.Parameters, "min", "max");
        var min = parameters.OptionalInt("min", minimum: 0);
        var max = parameters.OptionalInt("max", minimum: 0);
        if (min is null && max is null)
            throw new ArgumentException($"{RegisteredName}: give parameter 'min', 'max' or both (integers of 0 or more).");
        if (min > max)
            throw parameters.Invalid("min", $"must not exceed 'max' ({max}); got {min}");

        var (length, unit) = context.Output is JsonArray array
            ? (array.Count, "items")
            : (BuiltInText.CountCharacters(BuiltInText.ToText(context.Output)), "characters");

        if (min is { } lower && length < lower)
            return ValueTask.FromResult(ValidationResult.Invalid($"Output is {length} {unit}; the minimum is {lower}."));
        if (max is { } upper && length > upper)
            return ValueTask.FromResult(ValidationResult.Invalid($"Output is {length} {unit}; the maximum is {upper}."));
        return ValueTask.FromResult(ValidationResult.Valid());
    }
}
