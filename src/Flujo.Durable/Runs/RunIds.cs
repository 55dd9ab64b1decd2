namespace Flujo.Durable.Runs;

/// <summary>Run ids: instance ids prefixed with the pipeline name, so runs are told apart in the monitor.</summary>
public static class RunIds
{
    public static string New(string pipelineName) => $"{pipelineName}-{Guid.NewGuid():N}";
}
