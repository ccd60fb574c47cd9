namespace XcpTunnel.Tunnels;

/// <summary>
/// A count of places, taken and given back without a lock: the daemon's viewer connections across all tunnels
/// (<c>Limits:MaxConnections</c>, lowered to what the open-files limit allows), or the refusals in flight.
/// </summary>
internal sealed class ConnectionBudget(int capacity)
{
    private int _taken;

    /// <summary>No limit: for a tunnel that runs alone (<c>connect</c>, tests).</summary>
    public static ConnectionBudget Unlimited => new(int.MaxValue);

    public int Capacity { get; } = capacity;

    public int Taken => Volatile.Read(ref _taken);

    /// <summary>Takes a place if one is free.</summary>
    public bool TryTake()
    {
        if (Interlocked.Increment(ref _taken) <= Capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _taken);
        return false;
    }

    public void Return() => Interlocked.Decrement(ref _taken);
}
