using System.Net;
using XcpTunnel.Protocol;
using XcpTunnel.Access;
using XcpTunnel.Protocol.Rfb.Server;

namespace XcpTunnel.Configuration;

/// <summary>One validated tunnel.</summary>
/// <param name="Name">The key under <c>Tunnels</c>; also a socket-activation <c>FileDescriptorName</c>.</param>
/// <param name="Pool">The pool's name as the key of <see cref="DaemonSettings.Pools"/> spells it.</param>
/// <param name="Vm">A name-label or a UUID, resolved per connection.</param>
/// <param name="Listen">Every address to bind (a host name may give several; a unix socket is one path).</param>
/// <param name="ListenText">As written, for messages.</param>
/// <param name="AllowRemote">Whether non-loopback addresses were allowed.</param>
/// <param name="MaxConnections">Concurrent viewers; more are refused.</param>
/// <param name="IdleTimeout">Null when idle connections are never closed.</param>
internal sealed record TunnelSettings(
    string Name,
    string Pool,
    string Vm,
    ValueList<EndPoint> Listen,
    string ListenText,
    bool AllowRemote,
    int MaxConnections,
    TimeSpan? IdleTimeout)
{
    public const int DefaultMaxConnections = 16;

    /// <summary>The default of <c>HoldSeconds</c>: a reboot's BIOS and boot menu, or a migration, fit in two minutes.</summary>
    public static readonly TimeSpan DefaultHold = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The longest <c>HoldSeconds</c>: an hour is more than any reboot or migration takes, and keeps the hold's timers
    /// far within what a timer can count.
    /// </summary>
    public static readonly TimeSpan MaxHold = TimeSpan.FromHours(1);

    /// <summary>
    /// <c>HoldSeconds</c>: how long a viewer whose console ended is kept, with a countdown, for the VM's new console
    /// (docs/rfb.md, "Holding a viewer across a console swap"); zero splices bytes as they come and closes the viewer
    /// with its console. <see cref="DefaultHold"/> unless set, whether the tunnel comes from the configuration, the
    /// <c>connect</c> command or code.
    /// </summary>
    public TimeSpan Hold { get; init; } = DefaultHold;

    /// <summary>
    /// <c>ProbeIntervalSeconds</c> as written: null when unset (the health default applies), zero when
    /// periodic probes are off for this tunnel. <see cref="Probes.ProbeSchedule"/> combines the two.
    /// </summary>
    public TimeSpan? ProbeInterval { get; init; }

    /// <summary>
    /// Who may open the console: the tunnel's <c>AllowUsers</c>, else <c>Access:AllowUsers</c>; null when neither is
    /// set and every local account may (warned at start).
    /// </summary>
    public AllowList? AllowUsers { get; init; }

    /// <summary>What a viewer must do in the security phase: nothing, a VNC password, VeNCrypt (TLS).</summary>
    public RfbViewerSecurity ViewerSecurity { get; init; } = RfbViewerSecurity.None;

    /// <summary>A non-loopback listener without <c>ViewerTls</c> was allowed on purpose.</summary>
    public bool AllowCleartext { get; init; }

    /// <summary>Mode and group of the socket file when <see cref="Listen"/> is a unix socket; null otherwise.</summary>
    public UnixSocketSettings? UnixSocket { get; init; }

    /// <summary>
    /// For a tunnel its pool's <c>AutoTunnels</c> generated (whose <see cref="Vm"/> is the VM's UUID): the VM's
    /// name-label, for people to read; it follows renames without the tunnel counting as changed. Null for a
    /// hand-written tunnel.
    /// </summary>
    public string? GeneratedFor { get; init; }

    /// <summary>The VM as people know it: its name-label for a generated tunnel, else <see cref="Vm"/> as configured.</summary>
    public string VmDisplay => GeneratedFor ?? Vm;

    /// <summary>
    /// Whether this tunnel names the VM <paramref name="uuid"/> of <paramref name="pool"/>: by UUID (any case) or by its
    /// exact <paramref name="nameLabel"/> (null for VMs a name never means, templates and snapshots).
    /// </summary>
    public bool Names(string pool, string uuid, string? nameLabel) =>
        string.Equals(Pool, pool, StringComparison.OrdinalIgnoreCase)
        && (string.Equals(Vm, uuid, StringComparison.OrdinalIgnoreCase) || (nameLabel is not null && string.Equals(Vm, nameLabel, StringComparison.Ordinal)));
}
