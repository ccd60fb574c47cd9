namespace XcpTunnel.Simulator.Backends;

/// <summary>A backend whose behaviour is a caller's delegate (benchmarks, protocol edge cases).</summary>
internal sealed class CustomBackend(Func<Stream, CancellationToken, Task> serve) : ConsoleBackend
{
    private readonly Func<Stream, CancellationToken, Task> _serve = serve ?? throw new ArgumentNullException(nameof(serve));

    internal override Task ServeAsync(Stream viewer, SimulatedVm vm, CancellationToken cancellationToken) => _serve(viewer, cancellationToken);
}
