namespace XcpTunnel.Tunnels;

/// <summary>
/// What a tunnel's listener shares with the daemon's others: the budget of viewer connections (each holds two
/// descriptors, the viewer's and the console's), and the budget of refusals in flight, which do not count as
/// viewers but still hold a descriptor until the viewer has heard why.
/// </summary>
/// <param name="Connections">Viewer connections across all tunnels.</param>
/// <param name="Refusals">Refusals being told at once; beyond them a connection is closed without a word.</param>
internal sealed record ListenerLimits(ConnectionBudget Connections, ConnectionBudget Refusals)
{
    /// <summary>Refusals in flight at most, by default: enough to tell real viewers why, too few to hold many descriptors.</summary>
    public const int DefaultRefusals = 64;

    /// <summary>A tunnel alone (<c>connect</c>, tests): no budget but its own <c>MaxConnections</c>.</summary>
    public static ListenerLimits Unlimited => new(ConnectionBudget.Unlimited, new ConnectionBudget(DefaultRefusals));
}
