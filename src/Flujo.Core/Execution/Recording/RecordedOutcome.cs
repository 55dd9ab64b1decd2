namespace Flujo.Execution.Recording;

/// <summary>An attempt's outcome, and whether it was answered from its record (nothing ran).</summary>
public readonly record struct RecordedOutcome(AttemptOutcome Outcome, bool FromRecord);
