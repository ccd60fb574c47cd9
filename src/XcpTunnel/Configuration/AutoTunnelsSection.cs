namespace XcpTunnel.Configuration;

/// <summary>
/// <c>Pools:&lt;pool&gt;:AutoTunnels</c>, as written: which VMs get a tunnel (<c>Match</c>), where (<c>Listen</c>, an address
/// without a port or a <c>unix:</c> directory, and <c>Ports</c>), and every key a hand-written tunnel has for its
/// viewers (<c>AllowUsers</c>, <c>VncPasswordFile</c>, <c>ViewerTls</c>, limits …), which each generated tunnel gets.
/// </summary>
internal sealed class AutoTunnelsSection : TunnelSection
{
    public static readonly IReadOnlyList<string> AutoKeys =
        [nameof(Match), nameof(Ports), .. Keys.Where(k => k is not (nameof(Pool) or nameof(Vm)))];

    /// <summary><c>all</c>, <c>tag:NAME</c>, <c>name:GLOB</c> or a bare name-label glob; one, or a list of them (any matches).</summary>
    public List<string?>? Match { get; set; }

    /// <summary><c>5901-5999</c>, or one port.</summary>
    public string? Ports { get; set; }
}
