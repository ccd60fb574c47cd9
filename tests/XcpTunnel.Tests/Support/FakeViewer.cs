using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using XcpTunnel.Protocol.Rfb;

namespace XcpTunnel.Tests.Support;

/// <summary>
/// A scripted VNC viewer on a raw socket: it does exactly the handshake steps a test asks for, so
/// tests can see every byte the tunnel sends a viewer, failure reasons included. It talks over a socket,
/// or over any stream (a <c>connect --stdio</c> process's stdin and stdout).
/// </summary>
internal sealed class FakeViewer : IAsyncDisposable
{
    private readonly TcpClient? _client;

    private FakeViewer(TcpClient? client, Stream stream)
    {
        _client = client;
        Stream = stream;
    }

    public Stream Stream { get; }

    /// <summary>A viewer on <paramref name="stream"/>, which it owns.</summary>
    public static FakeViewer Over(Stream stream) => new(null, stream);

    public static async Task<FakeViewer> ConnectAsync(EndPoint endPoint)
    {
        var client = new TcpClient(endPoint.AddressFamily) { NoDelay = true };
        await client.ConnectAsync((IPEndPoint)endPoint).Within();
        return new FakeViewer(client, client.GetStream());
    }

    public async Task<RfbProtocolVersion> ReadServerVersionAsync() =>
        await RfbProtocolVersion.ReadAsync(Stream, CancellationToken.None).Within();

    public Task SendVersionAsync(RfbProtocolVersion version) => version.WriteAsync(Stream, CancellationToken.None).AsTask().Within();

    public Task SendRawAsync(string text) => Stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().Within();

    public async Task<RfbSecurityGreeting> ReadSecurityGreetingAsync(RfbProtocolVersion version) =>
        await RfbSecurityGreeting.ReadAsync(Stream, version, CancellationToken.None).Within();

    /// <summary>The viewer's whole handshake up to the security greeting, replying with the server's version (or <paramref name="reply"/>).</summary>
    public async Task<(RfbProtocolVersion Server, RfbSecurityGreeting Greeting)> HandshakeAsync(RfbProtocolVersion? reply = null)
    {
        var server = await ReadServerVersionAsync();
        var version = reply ?? server;
        await SendVersionAsync(version);
        return (server, await ReadSecurityGreetingAsync(version));
    }

    /// <summary>After a None greeting: picks None (3.7+), reads the SecurityResult (3.8), sends a shared ClientInit and reads ServerInit's name.</summary>
    public async Task<(int Width, int Height, string Name)> InitialiseAsync(RfbProtocolVersion version)
    {
        if (!version.UsesVersion33Handshake)
        {
            await Stream.WriteAsync(new[] { (byte)RfbSecurityType.None }).AsTask().Within();
        }

        if (version == RfbProtocolVersion.V3_8)
        {
            var result = await RfbSecurityResult.ReadAsync(Stream, version, CancellationToken.None).Within();
            Assert.True(result.Succeeded);
        }

        await Stream.WriteAsync(new byte[] { 1 }).AsTask().Within();
        var head = new byte[24];
        await Stream.ReadExactlyAsync(head).AsTask().Within();
        var name = new byte[BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(20))];
        await Stream.ReadExactlyAsync(name).AsTask().Within();
        return (BinaryPrimitives.ReadUInt16BigEndian(head), BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2)), Encoding.UTF8.GetString(name));
    }

    /// <summary>True once the peer has closed: a read returns 0 or the connection resets.</summary>
    public async Task<bool> IsClosedAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                if (await Stream.ReadAsync(buffer).AsTask().Within() == 0)
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _client?.Dispose();
    }
}
