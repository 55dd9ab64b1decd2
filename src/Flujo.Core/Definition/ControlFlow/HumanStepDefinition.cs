using System.Text.Json.Nodes;

namespace Flujo.Definition;

/// <summary>
/// Pauses the run until a person answers (SEMANTICS §7): a durable external event, validated against <see cref="Schema"/>.
/// The answer becomes the step's output and is appended to <c>context.hitl_history</c>.
/// </summary>
public sealed class HumanStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "human";

    /// <summary>Template of the message shown to the person; null: the step input as text.</summary>
    public string? Message { get; set; }

    /// <summary>JSON Schema the answer must satisfy; null: any JSON.</summary>
    public JsonNode? Schema { get; set; }

    /// <summary>How long to wait; null: for ever.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Taken as the answer when the timeout passes; without it a timeout fails the step.</summary>
    public JsonNode? DefaultValue { get; set; }

    /// <summary>Whether <see cref="DefaultValue"/> was given (a default may be JSON null).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool HasDefault { get; set; }
}
