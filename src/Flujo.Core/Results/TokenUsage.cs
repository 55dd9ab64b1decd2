namespace Flujo.Results;

/// <summary>Tokens used by one or more model calls.</summary>
public sealed record TokenUsage(long Prompt = 0, long Completion = 0)
{
    public static TokenUsage Zero { get; } = new();

    public long Total => Prompt + Completion;

    public static TokenUsage operator +(TokenUsage a, TokenUsage b) => new(a.Prompt + b.Prompt, a.Completion + b.Completion);
}
