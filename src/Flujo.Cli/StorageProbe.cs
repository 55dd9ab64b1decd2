using System.Net.Sockets;
using Azure;
using Azure.Storage.Blobs;
using Flujo.Cli.Rendering;
using Spectre.Console;

namespace Flujo.Cli;

/// <summary>
/// Asks a storage account one quick question before a command starts a worker or a client on it: an account that cannot
/// be reached is reported in one line within <see cref="Limit"/>, instead of after the Azure SDK's and DurableTask's retries
/// (about 25 s) and their logged stack traces.
/// </summary>
internal static class StorageProbe
{
    /// <summary>How long the probe waits for the account to answer.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Null when the account's blob endpoint answers as Azure Storage (any such answer, even a refusal, means it is there),
    /// else why not in one line. A connection string that cannot be parsed is reported as such.
    /// </summary>
    public static async Task<string?> CheckAsync(string connectionString, CancellationToken cancellationToken)
    {
        BlobServiceClient client;
        try
        {
            var options = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = Limit } };
            client = new BlobServiceClient(connectionString, options);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            return $"The storage connection string is not valid: {FirstLine(ex.Message)}";
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await client.GetPropertiesAsync(limit.Token);
            return null;
        }
        catch (RequestFailedException ex) when (ex.Status != 0)
        {
            // Storage stamps every answer, refusals included, with a request id; a proxy or another web server does not.
            if (ex.GetRawResponse()?.Headers.Contains("x-ms-request-id") == false)
                return $"Could not reach the storage account at {client.Uri}: the endpoint answered HTTP {ex.Status}, but not as Azure Storage.";
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"Could not reach the storage account at {client.Uri}: no answer within {Limit.TotalSeconds:0} s.";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"Could not reach the storage account at {client.Uri}: {Reason(ex)}";
        }
    }

    /// <summary>Probes, and reports on stderr when the account cannot be reached; true when the command may go on.</summary>
    public static async Task<bool> ReachableAsync(string connectionString, CancellationToken cancellationToken)
    {
        if (await CheckAsync(connectionString, cancellationToken) is not { } problem) return true;
        Consoles.Error.MarkupLine($"[red]error[/] {Markup.Escape(problem)}");
        return false;
    }

    /// <summary>The network reason (connection refused, unknown host, ...), without exception names or SDK retry advice.</summary>
    private static string Reason(Exception ex)
    {
        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException or HttpRequestException) return FirstLine(inner.Message);
        }
        return FirstLine(ex.Message);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
