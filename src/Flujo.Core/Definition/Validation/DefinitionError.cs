namespace Flujo.Definition.Validation;

/// <summary>One problem in a pipeline definition: where (file:line:column, step path) and what.</summary>
public sealed record DefinitionError(string Message, SourceLocation? Location = null, string? StepPath = null)
{
    public override string ToString()
    {
        var where = Location is null ? string.Empty : $"{Location}: ";
        var step = StepPath is null ? string.Empty : $"step '{StepPath}': ";
        return $"{where}{step}{Message}";
    }
}
