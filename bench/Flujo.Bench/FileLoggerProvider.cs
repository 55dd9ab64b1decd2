using Microsoft.Extensions.Logging;

namespace Flujo.Bench;

/// <summary>Writes log events to a file, one line each: UTC time, level, thread, category, event, message.</summary>
internal sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();
    private readonly Timer _flush;

    public FileLoggerProvider(string path)
    {
        _writer = new StreamWriter(path, append: false) { AutoFlush = false };
        _flush = new Timer(_ => { lock (_lock) _writer.Flush(); }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    private void Write(string line)
    {
        lock (_lock) _writer.WriteLine(line);
    }

    public void Dispose()
    {
        _flush.Dispose();
        lock (_lock) _writer.Dispose();
    }

    private sealed class FileLogger(FileLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = formatter(state, exception).ReplaceLineEndings(" | ");
            var error = exception is null ? string.Empty : " EXCEPTION " + exception.ToString().ReplaceLineEndings(" | ");
            owner.Write(FormattableString.Invariant(
                $"{DateTime.UtcNow:HH:mm:ss.ffffff} {logLevel.ToString()[..4]} t{Environment.CurrentManagedThreadId} {category} {eventId.Id}/{eventId.Name}: {text}{error}"));
        }
    }
}
