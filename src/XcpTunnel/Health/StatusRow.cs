namespace XcpTunnel.Health;

/// <summary>
/// One tunnel on the status page. Holds no session reference and no password, by construction: names, addresses,
/// counts and the last probe's verdict.
/// </summary>
/// <param name="Tunnel">The key under <c>Tunnels</c>.</param>
/// <param name="Vm">The VM as configured (name-label or UUID).</param>
/// <param name="Pool">The pool's name.</param>
/// <param name="PoolLoggedIn">Whether the daemon holds a live XAPI session for the pool.</param>
/// <param name="State">The listener's state in words: listening, not accepting, not listening.</param>
/// <param name="Listening">Whether the tunnel accepts viewers now.</param>
/// <param name="Viewers">Viewers connected now.</param>
/// <param name="TotalViewers">Viewers accepted since the start.</param>
/// <param name="ViewerCommands">How to open it, one per address it listens on.</param>
/// <param name="LastProbe">The last probe, periodic or on demand; null before the first.</param>
/// <param name="Thumbnail">Where its screen is, or null when <paramref name="NoThumbnail"/> says why not.</param>
/// <param name="NoThumbnail">Why no screen is shown (not allowed, the console did not answer); null with a thumbnail.</param>
internal sealed record StatusRow(
    string Tunnel,
    string Vm,
    string Pool,
    bool PoolLoggedIn,
    string State,
    bool Listening,
    int Viewers,
    long TotalViewers,
    IReadOnlyList<string> ViewerCommands,
    ProbeMetrics.LastProbe? LastProbe,
    string? Thumbnail,
    string? NoThumbnail);
