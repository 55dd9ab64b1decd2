using Flujo.Api.Queue;
using Flujo.Functions.Hosting;
using Flujo.Pipelines;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace Flujo.Functions.Functions;

/// <summary>
/// Starts a run per message on the <c>flujo-runs</c> queue. A malformed message throws (logged with the reason); the host
/// retries it up to <c>maxDequeueCount</c> (host.json) and then moves it to <c>flujo-runs-poison</c>.
/// </summary>
public sealed class RunsQueueFunction
{
    private readonly IPipelineCatalog _catalog;
    private readonly FunctionsRunClientFactory _clients;
    private readonly ILogger<RunsQueueFunction> _logger;

    public RunsQueueFunction(IPipelineCatalog catalog, FunctionsRunClientFactory clients, ILogger<RunsQueueFunction> logger)
    {
        _catalog = catalog;
        _clients = clients;
        _logger = logger;
    }

    [Function("StartRunFromQueue")]
    public async Task RunAsync(
        [QueueTrigger(QueueRunStarter.QueueName)] string message,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        var messageId = context.BindingContext.BindingData.TryGetValue("Id", out var id) ? id?.ToString() : null;
        try
        {
            await new QueueRunStarter(_catalog, _clients.CreateClient(client), _logger).StartAsync(message, messageId, context.CancellationToken);
        }
        catch (QueueMessageException ex)
        {
            _logger.LogError("Rejected flujo-runs message {MessageId}: {Reason}", messageId, ex.Message);
            throw;
        }
    }
}
