using System.Runtime.InteropServices;

namespace Flujo.Cli.Commands;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM during <c>flujo run</c>: the first one cancels <see cref="Token"/> instead of ending the process,
/// so the command can cancel its run and say what finished; the exit code is 128 + the signal (130, 143). A second signal
/// while that happens ends the process at once, as usual.
/// </summary>
internal sealed class RunInterrupt : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    public RunInterrupt(CancellationToken cancellationToken)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    /// <summary>Cancelled by the first signal (or by the command's own token).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>True once a signal has arrived.</summary>
    public bool Requested => Volatile.Read(ref _signal) != 0;

    /// <summary><see cref="ExitCodes.Terminated"/> after SIGTERM, else <see cref="ExitCodes.Interrupted"/>.</summary>
    public int ExitCode => Volatile.Read(ref _signal) == (int)PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>What stopped the command, in words.</summary>
    public string Cause => ExitCode == ExitCodes.Terminated ? "SIGTERM" : "Ctrl+C (SIGINT)";

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) != 0) return;
        context.Cancel = true;
        // Not on the signal thread: cancellation callbacks may do real work.
        _ = Task.Run(_cancel.Cancel);
    }

    public void Dispose()
    {
        foreach (var registration in _registrations) registration.Dispose();
        _cancel.Dispose();
    }
}
