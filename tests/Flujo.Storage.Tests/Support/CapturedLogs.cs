using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Flujo.Storage.Tests.Support;

/// <summary>
/// Every log line at every level (message, state values, exception), and every span of every ActivitySource (name, tags,
/// events and their tags, status), as text: what a secret scan of logs and traces reads.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, IDisposable
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ActivityListener _listener;

    public CapturedLogs()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var tags = string.Join(", ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
                var events = string.Join("; ", activity.Events.Select(e => $"{e.Name} {string.Join(", ", e.Tags.Select(t => $"{t.Key}={t.Value}"))}"));
                _lines.Enqueue($"span {activity.Source.Name} {activity.DisplayName} [{tags}] {{{events}}} {activity.Status} {activity.StatusDescription}");
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<string> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose() => _listener.Dispose();

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"scope {category} {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category} {formatter(state, exception)} [{values}] {exception}");
        }
    }
}
