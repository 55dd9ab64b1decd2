namespace Flujo.Definition;

/// <summary>A step that calls an agent: one attempt = prompt processors → agent → output processors → plugins → validators.</summary>
public sealed class AgentStepDefinition : StepDefinition
{
    [System.Text.Json.Serialization.JsonIgnore]
    public override string StepKind => "agent";

    /// <summary>The agent's registration name and this step's own parameters for it.</summary>
    public ComponentReference Agent { get; set; } = new();

    /// <summary>Extra attempts after the first. Default 1 (two attempts in all).</summary>
    public int MaxRetries { get; set; } = 1;

    public RetryOptions Retry { get; set; } = new();

    /// <summary>Limit of one agent call; null means none.</summary>
    public TimeSpan? Timeout { get; set; }

    public List<ComponentReference> PromptProcessors { get; set; } = [];
    public List<ComponentReference> OutputProcessors { get; set; } = [];
    public List<PluginReference> Plugins { get; set; } = [];
    public List<ComponentReference> Validators { get; set; } = [];

    /// <summary>
    /// Strict (default): a failing validator fails the step. Non-strict: the step succeeds with its output and the findings
    /// are recorded in its metadata (<c>validation_passed: false</c>, <c>validation_errors</c>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public ValidationMode Validation { get; set; }

    /// <summary>After a successful fallback, keep <c>Primary agent failed: …</c> as the step feedback.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool PreserveFallbackDiagnostics { get; set; }
}
