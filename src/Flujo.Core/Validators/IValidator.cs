namespace Flujo.Validators;

/// <summary>Judges a final output. Invalid is not retried: fallback at once, or the step fails keeping the output.</summary>
public interface IValidator
{
    ValueTask<ValidationResult> ValidateAsync(ValidatorContext context, CancellationToken cancellationToken);
}
