namespace Flujo.Api.Http;

/// <summary>
/// The management URLs of a run, returned when it starts (the Durable Functions check-status payload shape). In the
/// Functions app these are the Durable Functions built-in webhook URLs; the local server points at its own API.
/// </summary>
public sealed record RunLinks(
    Uri StatusQueryGetUri,
    Uri? SendEventPostUri,
    Uri? TerminatePostUri,
    Uri? PurgeHistoryDeleteUri,
    Uri? SuspendPostUri = null,
    Uri? ResumePostUri = null,
    Uri? RestartPostUri = null);

/// <summary>Builds a run's management URLs; the host supplies it.</summary>
public interface IRunLinkBuilder
{
    RunLinks Build(Uri baseUri, string runId);
}

/// <summary>
/// Links into Flujo's own API: status <c>GET {base}/api/runs/{id}</c>, events <c>POST {base}/api/runs/{id}/events/{eventName}</c>,
/// terminate <c>POST {base}/api/runs/{id}/cancel</c>, purge <c>DELETE {base}/api/runs/{id}</c>.
/// </summary>
public sealed class FlujoApiLinkBuilder : IRunLinkBuilder
{
    public static FlujoApiLinkBuilder Instance { get; } = new();

    public RunLinks Build(Uri baseUri, string runId)
    {
        var run = FlujoApi.RunUri(baseUri, runId);
        return new RunLinks(
            run,
            new Uri(run + "/events/{eventName}"),
            new Uri(run + "/cancel"),
            run);
    }
}
