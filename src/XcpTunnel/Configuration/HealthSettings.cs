using System.Net;
using XcpTunnel.Protocol;

namespace XcpTunnel.Configuration;

/// <summary>Where the health endpoint listens.</summary>
/// <param name="Listen">Every address to bind.</param>
/// <param name="ListenText">As written, for messages.</param>
/// <param name="AllowRemote">Whether non-loopback addresses were allowed.</param>
internal sealed record HealthSettings(ValueList<EndPoint> Listen, string ListenText, bool AllowRemote)
{
    public const string DefaultListen = "127.0.0.1:9180";

    /// <summary>The default interval of periodic probes for tunnels that set none; zero = off.</summary>
    public TimeSpan ProbeInterval { get; init; } = TimeSpan.Zero;

    /// <summary>Who may use the endpoint: <c>Health:AllowUsers</c>, else <c>Access:AllowUsers</c>; null for every local account.</summary>
    public Access.AllowList? AllowUsers { get; init; }
}
