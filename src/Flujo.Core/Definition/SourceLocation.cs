namespace Flujo.Definition;

/// <summary>Where a definition element came from: file, 1-based line and column.</summary>
public sealed record SourceLocation(string? File, int Line, int Column)
{
    public override string ToString() => $"{File ?? "<inline>"}:{Line}:{Column}";
}
