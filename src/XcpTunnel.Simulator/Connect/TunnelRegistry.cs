namespace XcpTunnel.Simulator.Connect;

/// <summary>
/// Live CONNECT tunnels per VM, like console.ml's <c>Connection_limit</c>: tracked whether or not the limit is on,
/// so turning <c>limit_console_sessions</c> on counts the tunnels already open.
/// </summary>
internal sealed class TunnelRegistry
{
    private readonly Lock _lock = new();
    private readonly List<LiveTunnel> _tunnels = [];

    /// <summary>Registers a tunnel, or returns null (and the users connected) when the limit refuses it.</summary>
    public LiveTunnel? TryAdd(string vmRef, string userName, bool limit, CancellationToken poolToken, out IReadOnlyList<string> connectedUsers)
    {
        lock (_lock)
        {
            List<LiveTunnel> same = _tunnels.Where(t => t.VmRef == vmRef).ToList();
            connectedUsers = same.Select(t => t.UserName).ToList();
            if (limit && same.Count > 0)
            {
                return null;
            }

            var tunnel = new LiveTunnel(this, vmRef, userName, poolToken);
            _tunnels.Add(tunnel);
            return tunnel;
        }
    }

    /// <summary>Closes every tunnel to <paramref name="vmRef"/> (its display went away: reboot, migration, shutdown).</summary>
    public void CloseAll(string vmRef)
    {
        List<LiveTunnel> victims;
        lock (_lock)
        {
            victims = _tunnels.Where(t => t.VmRef == vmRef).ToList();
        }

        foreach (LiveTunnel t in victims)
        {
            t.Close();
        }
    }

    internal void Remove(LiveTunnel tunnel)
    {
        lock (_lock)
        {
            _tunnels.Remove(tunnel);
        }
    }
}

/// <summary>One open tunnel. <see cref="Token"/> is cancelled when the tunnel must close.</summary>
internal sealed class LiveTunnel : IDisposable
{
    private readonly TunnelRegistry _registry;
    private readonly CancellationTokenSource _cts;

    public LiveTunnel(TunnelRegistry registry, string vmRef, string userName, CancellationToken poolToken)
    {
        _registry = registry;
        VmRef = vmRef;
        UserName = userName;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(poolToken);
    }

    public string VmRef { get; }

    public string UserName { get; }

    public CancellationToken Token => _cts.Token;

    public void Close()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already finished.
        }
    }

    public void Dispose()
    {
        _registry.Remove(this);
        _cts.Dispose();
    }
}
