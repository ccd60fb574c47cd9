namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// Where <see cref="ConsoleDialer.DialAsync(string, ConsoleDialTimings?, CancellationToken)"/> spent its time,
/// stage by stage, for probes and diagnostics. A stage is null until it has completed once; a dial that
/// retries (a new login after a 401, a new resolution after a 500) adds each attempt to its stage.
/// </summary>
/// <remarks>Not thread-safe: one dial fills one instance.</remarks>
public sealed class ConsoleDialTimings
{
    /// <summary>Resolving the VM and its console through XAPI, including a login when the pool had no live session.</summary>
    public TimeSpan? Resolve { get; private set; }

    /// <summary>TCP connect and the TLS handshake with the console's host.</summary>
    public TimeSpan? Tls { get; private set; }

    /// <summary>From sending <c>CONNECT</c> until its 200 reply and headers were read.</summary>
    public TimeSpan? Connect { get; private set; }

    internal void AddResolve(TimeSpan elapsed) => Resolve = (Resolve ?? TimeSpan.Zero) + elapsed;

    internal void AddTls(TimeSpan elapsed) => Tls = (Tls ?? TimeSpan.Zero) + elapsed;

    internal void AddConnect(TimeSpan elapsed) => Connect = (Connect ?? TimeSpan.Zero) + elapsed;
}
