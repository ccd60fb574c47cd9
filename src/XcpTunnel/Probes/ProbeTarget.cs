namespace XcpTunnel.Probes;

/// <summary>Something a probe can open an RFB stream to: a VM's console through XAPI, or a running tunnel.</summary>
internal abstract class ProbeTarget
{
    protected ProbeTarget(string name) => Name = name;

    /// <summary>As the user named it; shown in every result.</summary>
    public string Name { get; }

    /// <summary>Opens the stream that carries raw RFB, recording the stages on the way in <paramref name="clock"/>.</summary>
    /// <exception cref="Protocol.XcpTunnelException">Anything on the path failed; the message says what.</exception>
    public abstract Task<Stream> OpenAsync(ProbeStageClock clock, CancellationToken cancellationToken);
}
