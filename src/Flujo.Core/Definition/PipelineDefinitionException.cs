using Flujo.Definition.Validation;

namespace Flujo.Definition;

/// <summary>A pipeline definition is invalid; <see cref="Errors"/> lists every problem with its location.</summary>
public sealed class PipelineDefinitionException : Exception
{
    public PipelineDefinitionException(IReadOnlyList<DefinitionError> errors)
        : base(FormatMessage(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<DefinitionError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<DefinitionError> errors) =>
        errors.Count == 1
            ? $"Invalid pipeline definition: {errors[0]}"
            : $"Invalid pipeline definition ({errors.Count} problems):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
}
