using System.Runtime.InteropServices;

namespace Flujo.Cli.Serve;

/// <summary>A token cancelled by Ctrl+C (SIGINT), SIGTERM or SIGQUIT, so long-lived commands stop cleanly instead of being killed.</summary>
public sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly PosixSignalRegistration[] _registrations;

    public ShutdownSignal(CancellationToken linked = default)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(linked);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Handle),
        ];
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>Completes when a signal arrives.</summary>
    public Task WaitAsync() => Task.Delay(Timeout.Infinite, Token).ContinueWith(_ => { }, TaskScheduler.Default);

    private void Handle(PosixSignalContext context)
    {
        // The first signal keeps the process alive: the command stops its work and exits with its own code.
        // A second one terminates at once (a stop that hangs, e.g. on unreachable storage, can always be cut short).
        if (_cts.IsCancellationRequested) return;
        context.Cancel = true;
        _cts.Cancel();
    }

    /// <summary>Waits for <paramref name="stop"/> at most <paramref name="limit"/>; false when it did not finish in time.</summary>
    public static async Task<bool> WithinAsync(Task stop, TimeSpan limit) =>
        await Task.WhenAny(stop, Task.Delay(limit)) == stop;

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cts.Dispose();
    }
}
