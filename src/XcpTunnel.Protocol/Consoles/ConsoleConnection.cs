namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// An open console tunnel: after a 200 to the CONNECT, <see cref="Stream"/> carries raw RFB from the
/// VM's backend (starting with its ProtocolVersion). Disposing it closes the TLS connection.
/// </summary>
public sealed class ConsoleConnection : IAsyncDisposable
{
    internal ConsoleConnection(Stream stream, ResolvedConsole console)
    {
        Stream = stream;
        Console = console;
    }

    /// <summary>The RFB byte stream.</summary>
    public Stream Stream { get; }

    /// <summary>What was connected to.</summary>
    public ResolvedConsole Console { get; }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
