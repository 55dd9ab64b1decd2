namespace Flujo.Functions.Hosting;

/// <summary>
/// Marks an orchestrator function as the one that runs pipeline <see cref="Pipeline"/>, so the Durable Functions monitor
/// lists that pipeline's runs under the function's own name:
/// <code>
/// [Function("ResearchPipeline"), FlujoPipeline("research")]
/// public static Task&lt;PipelineResult&gt; Research([OrchestrationTrigger] TaskOrchestrationContext context) => FlujoOrchestration.RunAsync(context);
/// </code>
/// Runs started over HTTP or the queue for that pipeline then schedule this orchestrator instead of the generic one.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FlujoPipelineAttribute : Attribute
{
    public FlujoPipelineAttribute(string pipeline)
    {
        if (string.IsNullOrWhiteSpace(pipeline))
            throw new ArgumentException("The value for pipeline must be a pipeline name.", nameof(pipeline));
        Pipeline = pipeline;
    }

    /// <summary>The pipeline this orchestrator function runs.</summary>
    public string Pipeline { get; }
}
