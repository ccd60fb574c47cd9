using XcpTunnel.Protocol;

namespace XcpTunnel.Probes;

/// <summary>One completed step of a probe and how long it took.</summary>
/// <param name="Name">One of <see cref="ProbeStages"/>; also the perfdata label and the metric's <c>stage</c> label.</param>
/// <param name="Duration">Wall time of the step.</param>
internal sealed record ProbeStage(string Name, TimeSpan Duration);

/// <summary>The stage names, in the order a probe goes through them. They are a stable API (perfdata labels, metric labels).</summary>
internal static class ProbeStages
{
    /// <inheritdoc cref="ConnectionStages.Xapi"/>
    public const string Xapi = ConnectionStages.Xapi;

    /// <inheritdoc cref="ConnectionStages.Tls"/>
    public const string Tls = ConnectionStages.Tls;

    /// <inheritdoc cref="ConnectionStages.Connect"/>
    public const string Connect = ConnectionStages.Connect;

    /// <summary>TCP connect to a running tunnel (<c>host:port</c> targets only).</summary>
    public const string Tcp = "tcp";

    /// <inheritdoc cref="ConnectionStages.RfbVersion"/>
    public const string RfbVersion = ConnectionStages.RfbVersion;

    /// <summary>The security handshake; a tunnel reports its failures here.</summary>
    public const string Security = ConnectionStages.Security;

    /// <inheritdoc cref="ConnectionStages.ServerInit"/>
    public const string ServerInit = ConnectionStages.ServerInit;

    /// <summary>A full-screen update request until the whole screen was drawn.</summary>
    public const string FirstUpdate = "first_update";
}
