using System.ClientModel;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Flujo.Agents.Chat;

/// <summary>
/// Turns what a model call throws into <see cref="AgentCallException"/> (SEMANTICS §11): 408, 409, 429, 5xx, network
/// failures and timeouts are transient (retried as attempts after at least the provider's Retry-After, on a durable
/// timer); 400, 401, 403, 404 and other 4xx cannot heal (no more retries; the fallback runs). Messages give the status
/// and the provider's own error message, never a key. A body that is not a chat completion (a proxy's page, a cut-off
/// reply) is transient too.
/// </summary>
internal static partial class ChatErrors
{
    /// <summary>The mapped exception, or null when <paramref name="exception"/> is not a call failure (let it through).</summary>
    public static AgentCallException? Map(Exception exception, string model, CancellationToken cancellationToken, DateTimeOffset now) => exception switch
    {
        AgentCallException mapped => mapped,
        ClientResultException result when result.Status == 0 =>
            new AgentCallException($"The call to model '{model}' failed before a response: {Inner(result)}", transient: true, innerException: result),
        ClientResultException result => FromStatus(result, model, now),
        HttpRequestException http =>
            new AgentCallException($"The call to model '{model}' failed: {http.Message}", transient: true, innerException: http),
        OperationCanceledException canceled when !cancellationToken.IsCancellationRequested =>
            new AgentCallException($"The call to model '{model}' timed out.", transient: true, innerException: canceled),
        JsonException json =>
            new AgentCallException($"Model '{model}' returned a response that is not a valid chat completion: {json.Message}", transient: true, innerException: json),
        TimeoutException timeout =>
            new AgentCallException($"The call to model '{model}' timed out.", transient: true, innerException: timeout),
        _ => null,
    };

    private static AgentCallException FromStatus(ClientResultException exception, string model, DateTimeOffset now)
    {
        var status = exception.Status;
        var response = exception.GetRawResponse();
        var reason = Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : null;
        var detail = Redact(ProviderMessage(response?.Content?.ToString()) ?? FirstLine(exception.Message));
        var transient = status is 408 or 409 or 429 or >= 500;
        var hint = status switch
        {
            401 or 403 => " Check the connection's ApiKey or identity.",
            404 => $" Check that model '{model}' exists (Azure: the deployment name) and the connection's Endpoint.",
            _ => "",
        };
        var message = $"Model '{model}' call failed with HTTP {status}{(reason is null ? "" : $" ({reason})")}: {detail}{hint}";
        TimeSpan? retryAfter = null;
        if (transient && response is not null) retryAfter = RetryAfter(response.Headers, now);
        // The inner exception is logged with the failure: its message (the raw body) must not carry a key either.
        return new AgentCallException(message, transient, retryAfter, SecretRedactingChatClient.Redacted(exception, null) ?? exception);
    }

    /// <summary>Retry-After in seconds or as an HTTP date; <c>retry-after-ms</c> (OpenAI, Azure) when given.</summary>
    internal static TimeSpan? RetryAfter(System.ClientModel.Primitives.PipelineResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        if (!headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value)) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>The <c>error.message</c> of an OpenAI-style error body, or the body itself when short.</summary>
    private static string? ProviderMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
                    return message.GetString();
                if (error.ValueKind == JsonValueKind.String) return error.GetString();
            }
        }
        catch (JsonException)
        {
        }
        var text = body.Trim();
        return text.Length <= 300 ? text : text[..297] + "...";
    }

    /// <summary>Some providers echo (part of) the key in a 401 message: anything shaped like an OpenAI key is masked.</summary>
    internal static string Redact(string message, string? secret = null)
    {
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 8) message = message.Replace(secret, "***", StringComparison.Ordinal);
        return KeyPattern().Replace(message, "sk-***");
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\bsk-[A-Za-z0-9_\-\*\.]{4,}")]
    private static partial System.Text.RegularExpressions.Regex KeyPattern();

    private static string Inner(Exception exception) => exception.InnerException?.Message ?? FirstLine(exception.Message);

    private static string FirstLine(string message)
    {
        var index = message.IndexOfAny(['\r', '\n']);
        return index < 0 ? message : message[..index];
    }
}
