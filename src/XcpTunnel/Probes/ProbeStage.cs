namespace XcpTunnel.Probes;

/// <summary>One completed step of a probe and how long it took.</summary>
/// <param name="Name">One of <see cref="ProbeStages"/>; also the perfdata label and the metric's <c>stage</c> label.</param>
/// <param name="Duration">Wall time of the step.</param>
internal sealed record ProbeStage(string Name, TimeSpan Duration);

/// <summary>The stage names, in the order a probe goes through them. They are a stable API (perfdata labels, metric labels).</summary>
internal static class ProbeStages
{
    /// <summary>XAPI: resolving the VM and its console, including a login when there was no live session.</summary>
    public const string Xapi = "xapi";

    /// <summary>TCP and TLS to the console's host.</summary>
    public const string Tls = "tls";

    /// <summary><c>CONNECT /console</c> until its 200.</summary>
    public const string Connect = "connect";

    /// <summary>TCP connect to a running tunnel (<c>host:port</c> targets only).</summary>
    public const string Tcp = "tcp";

    /// <summary>The server's RFB ProtocolVersion and the client's reply.</summary>
    public const string RfbVersion = "rfb_version";

    /// <summary>The security handshake; a tunnel reports its failures here.</summary>
    public const string Security = "security";

    /// <summary>ClientInit (shared) until ServerInit.</summary>
    public const string ServerInit = "server_init";

    /// <summary>A full-screen update request until the whole screen was drawn.</summary>
    public const string FirstUpdate = "first_update";
}
