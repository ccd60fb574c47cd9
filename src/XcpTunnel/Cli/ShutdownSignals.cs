using System.Runtime.InteropServices;

namespace XcpTunnel.Cli;

/// <summary>
/// SIGINT and SIGTERM for the long-running commands, to tell which one stopped them: Ctrl+C exits 130 as shells
/// expect of an interrupted program, SIGTERM (systemd, kill) 0, a requested stop. Any host running alongside still
/// gets the signal and stops gracefully: every registration of a signal is called.
/// </summary>
internal sealed class ShutdownSignals : IDisposable
{
    private readonly TaskCompletionSource<PosixSignal> _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;

    private ShutdownSignals() =>
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle), PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle)];

    /// <summary>Completes at the first SIGINT or SIGTERM.</summary>
    public Task Received => _received.Task;

    /// <summary>130 after a SIGINT, else 0.</summary>
    public int ExitCode => _received.Task.IsCompletedSuccessfully && _received.Task.Result == PosixSignal.SIGINT ? ExitCodes.Interrupted : ExitCodes.Ok;

    public static ShutdownSignals Watch() => new();

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void Handle(PosixSignalContext context)
    {
        // The process is not to end on the spot: whoever waits on Received (or a host's own handler) stops it in order.
        context.Cancel = true;
        _received.TrySetResult(context.Signal);
    }
}
