using Flujo.Api.Http;
using Flujo.Durable.Hooks;
using Flujo.Durable.Runs;
using Flujo.Hooks;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Http;
using Microsoft.DurableTask.Client;

namespace Flujo.Functions.Hosting;

/// <summary>
/// Turns the <c>[DurableClient]</c> binding into Flujo's host-neutral run client and link builder. The HTTP and queue
/// functions go through it, so tests can hand them fakes.
/// </summary>
public class FunctionsRunClientFactory
{
    private readonly PipelineOrchestratorMap _orchestrators;
    private readonly HookPoints _hooks;

    /// <param name="hooks">The app's hooks (<c>AddFlujoHook</c>); every run started through this factory records their points.</param>
    public FunctionsRunClientFactory(PipelineOrchestratorMap orchestrators, RegisteredHooks? hooks = null)
    {
        _orchestrators = orchestrators;
        _hooks = hooks?.Points ?? HookPoints.None;
    }

    public virtual IPipelineRunClient CreateClient(DurableTaskClient client) => new DurableTaskClientRunClient(client, _orchestrators.OrchestratorFor, _hooks);

    /// <summary>The Durable Functions built-in webhook URLs (status, raise event, terminate, purge, ...).</summary>
    public virtual IRunLinkBuilder CreateLinks(DurableTaskClient client, HttpRequestData request) => new WebhookLinks(client, request);

    private sealed class WebhookLinks(DurableTaskClient client, HttpRequestData request) : IRunLinkBuilder
    {
        public RunLinks Build(Uri baseUri, string runId)
        {
            var payload = client.CreateHttpManagementPayload(runId, request);
            return new RunLinks(
                Optional(payload.StatusQueryGetUri) ?? throw new InvalidOperationException($"No status URL for run {runId}."),
                Optional(payload.SendEventPostUri),
                Optional(payload.TerminatePostUri),
                Optional(payload.PurgeHistoryDeleteUri),
                Optional(payload.SuspendPostUri),
                Optional(payload.ResumePostUri),
                Optional(payload.RestartPostUri));
        }

        private static Uri? Optional(string? uri) => string.IsNullOrEmpty(uri) ? null : new Uri(uri);
    }
}
