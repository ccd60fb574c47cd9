namespace XcpTunnel.Simulator;

/// <summary>
/// Fault injection. Every knob is thread-safe, takes effect on the next request that reaches it, and affects
/// every host of the pool.
/// </summary>
public sealed class SimulatedFaults
{
    private readonly Lock _lock = new();
    private readonly Queue<int> _connectFailures = new();
    private int _rpcsToDrop;
    private long _rpcDelayTicks;
    private long _connectDelayTicks;
    private volatile bool _backendUnavailable;
    private volatile bool _backendWithoutPort;
    private int _updateCut = -1;

    /// <summary>
    /// The next <paramref name="count"/> CONNECT requests are answered with <paramref name="status"/> before any
    /// session or console check, with xapi's reply for that status (401, 403, 404, 500, 503; any other status gets
    /// the same HTML error shape). A 200 here behaves like <see cref="BackendUnavailable"/> for those requests.
    /// </summary>
    public void FailNextConnects(int status, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 599);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_lock)
        {
            for (int i = 0; i < count; i++)
            {
                _connectFailures.Enqueue(status);
            }
        }
    }

    /// <summary>
    /// Delay applied to every RPC after its request is read and before it is dispatched (so 200 concurrent callers
    /// overlap one slow login). Zero by default.
    /// </summary>
    public TimeSpan RpcDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _rpcDelayTicks));
        set => Interlocked.Exchange(ref _rpcDelayTicks, value.Ticks);
    }

    /// <summary>The next <paramref name="count"/> RPC requests are read, then the connection is closed without a reply.</summary>
    public void DropNextRpcs(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Interlocked.Add(ref _rpcsToDrop, count);
    }

    /// <summary>
    /// While true, a CONNECT that passes every check gets its 200 and then EOF: xapi sends the 200 before it connects
    /// to the VM's VNC server, so a backend it cannot reach shows as 200 then EOF. For the next few CONNECTs only,
    /// use <see cref="FailNextConnects"/> with 200.
    /// </summary>
    public bool BackendUnavailable
    {
        get => _backendUnavailable;
        set => _backendUnavailable = value;
    }

    /// <summary>While true, a CONNECT that passes every check gets <c>404 Not Found</c> with no body (the VM's display has no port yet).</summary>
    public bool BackendWithoutPort
    {
        get => _backendWithoutPort;
        set => _backendWithoutPort = value;
    }

    /// <summary>Delay before a CONNECT request is answered (any status). Zero by default.</summary>
    public TimeSpan ConnectDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _connectDelayTicks));
        set => Interlocked.Exchange(ref _connectDelayTicks, value.Ticks);
    }

    /// <summary>
    /// The next FramebufferUpdate any built-in RFB backend sends stops after <paramref name="afterBytes"/> of its bytes
    /// (counted from its type byte) and that console's connection closes: a domain destroyed in the middle of an
    /// update, as a reboot or migration can do it. The VM is then rebooted (new console objects at once).
    /// </summary>
    public void CutNextUpdate(int afterBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterBytes);
        Volatile.Write(ref _updateCut, afterBytes);
    }

    /// <summary>Clears every knob.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _connectFailures.Clear();
        }

        Interlocked.Exchange(ref _rpcsToDrop, 0);
        RpcDelay = TimeSpan.Zero;
        ConnectDelay = TimeSpan.Zero;
        BackendUnavailable = false;
        BackendWithoutPort = false;
        Volatile.Write(ref _updateCut, -1);
    }

    /// <summary>Takes the armed update cut, if any: how many bytes of the update to send before closing.</summary>
    internal bool TryTakeUpdateCut(out int afterBytes)
    {
        afterBytes = Interlocked.Exchange(ref _updateCut, -1);
        return afterBytes >= 0;
    }

    internal bool TryTakeConnectFailure(out int status)
    {
        lock (_lock)
        {
            return _connectFailures.TryDequeue(out status);
        }
    }

    internal bool TryTakeRpcDrop()
    {
        while (true)
        {
            int n = Volatile.Read(ref _rpcsToDrop);
            if (n <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _rpcsToDrop, n - 1, n) == n)
            {
                return true;
            }
        }
    }
}
