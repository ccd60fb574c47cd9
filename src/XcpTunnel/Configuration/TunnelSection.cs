namespace XcpTunnel.Configuration;

/// <summary>One entry of <c>Tunnels</c>, as written; also what every tunnel of a pool's <c>AutoTunnels</c> gets.</summary>
internal class TunnelSection
{
    public static readonly IReadOnlyList<string> Keys =
    [
        nameof(Listen), nameof(Pool), nameof(Vm), nameof(AllowRemote), nameof(MaxConnections), nameof(IdleTimeoutSeconds),
        nameof(ProbeIntervalSeconds), nameof(AllowUsers), nameof(VncPasswordFile), nameof(ViewerTls), nameof(AllowCleartext),
        nameof(SocketMode), nameof(SocketGroup), nameof(HoldSeconds),
    ];

    /// <summary><c>host:port</c>, <c>[v6]:port</c> or <c>unix:/path</c>.</summary>
    public string? Listen { get; set; }

    public string? Pool { get; set; }

    /// <summary>A name-label or a UUID.</summary>
    public string? Vm { get; set; }

    public string? AllowRemote { get; set; }

    public string? MaxConnections { get; set; }

    public string? IdleTimeoutSeconds { get; set; }

    /// <summary>How long a viewer is kept while its VM reboots or migrates, for the new console; 0 turns holding off.</summary>
    public string? HoldSeconds { get; set; }

    /// <summary>Seconds between periodic probes of this tunnel; 0 turns them off; unset follows <c>Health:ProbeIntervalSeconds</c>.</summary>
    public string? ProbeIntervalSeconds { get; set; }

    /// <summary>User names and <c>@group</c>s that may open this tunnel; unset follows <c>Access:AllowUsers</c>.</summary>
    public List<string?>? AllowUsers { get; set; }

    /// <summary>A file with the VNC password viewers must give (text, or <c>vncpasswd</c>'s format).</summary>
    public string? VncPasswordFile { get; set; }

    /// <summary>VeNCrypt for viewers: the tunnel's certificate and key.</summary>
    public ViewerTlsSection? ViewerTls { get; set; }

    /// <summary>Allows a non-loopback <c>Listen</c> without <c>ViewerTls</c>: the console crosses the network unencrypted.</summary>
    public string? AllowCleartext { get; set; }

    /// <summary>Octal permission bits of a <c>unix:</c> socket file, e.g. <c>0660</c>.</summary>
    public string? SocketMode { get; set; }

    /// <summary>The group of a <c>unix:</c> socket file.</summary>
    public string? SocketGroup { get; set; }
}
