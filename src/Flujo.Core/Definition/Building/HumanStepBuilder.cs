using System.Text.Json.Nodes;

namespace Flujo.Definition.Building;

/// <summary>Configures a human step: the run pauses until a person answers with JSON satisfying the schema.</summary>
public sealed class HumanStepBuilder : StepBuilder<HumanStepBuilder, HumanStepDefinition>
{
    internal HumanStepBuilder(HumanStepDefinition step) : base(step) { }

    /// <summary>The template of the message shown to the person; default: the step input as text.</summary>
    public HumanStepBuilder Message(string template)
    {
        Step.Message = template;
        return this;
    }

    /// <summary>The JSON Schema an answer must satisfy; default: any JSON.</summary>
    public HumanStepBuilder Schema(JsonNode schema)
    {
        Step.Schema = schema;
        return this;
    }

    /// <summary>How long to wait; default: for ever.</summary>
    public HumanStepBuilder Timeout(TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"Step '{Step.Name}': the timeout must be positive.");
        Step.Timeout = timeout;
        return this;
    }

    /// <summary>The answer taken when the timeout passes (may be null); needs <see cref="Timeout"/>.</summary>
    public HumanStepBuilder Default(JsonNode? answer)
    {
        Step.DefaultValue = answer;
        Step.HasDefault = true;
        return this;
    }
}
