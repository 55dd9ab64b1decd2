namespace Flujo.Validators;

public sealed record ValidationResult(bool IsValid, string? Feedback = null)
{
    public static ValidationResult Valid() => new(true);
    public static ValidationResult Invalid(string feedback) => new(false, feedback);
}
