using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using XcpTunnel.Protocol.Rfb;

namespace XcpTunnel.Tests.Support;

/// <summary>What a <see cref="FakeViewer"/> ended up with: the console's ServerInit, or the reason it was refused.</summary>
/// <param name="Server">The version the tunnel offered.</param>
/// <param name="Offered">The security types offered (the 3.3 server's choice as one type); empty when refused up front.</param>
/// <param name="Refusal">The reason the viewer was told; "" when refused in a form without a reason; null when admitted.</param>
/// <param name="Init">ServerInit's width, height and name; null when refused.</param>
internal sealed record ViewerOutcome(
    RfbProtocolVersion Server, IReadOnlyList<byte> Offered, string? Refusal, (int Width, int Height, string Name)? Init)
{
    public bool Admitted => Refusal is null;
}

/// <summary>
/// A scripted VNC viewer on a raw socket: it does exactly the handshake steps a test asks for, parsing every byte
/// itself, so tests see what the tunnel sends a viewer, failure reasons included. It talks over a socket, or over
/// any stream (a <c>connect --stdio</c> process's stdin and stdout).
/// </summary>
internal sealed class FakeViewer : IAsyncDisposable
{
    private readonly Socket? _socket;

    private FakeViewer(Socket? socket, Stream stream)
    {
        _socket = socket;
        Stream = stream;
    }

    public Stream Stream { get; }

    /// <summary>The server's pixel size from ServerInit, once admitted.</summary>
    public int BytesPerPixel { get; private set; }

    /// <summary>A viewer on <paramref name="stream"/>, which it owns.</summary>
    public static FakeViewer Over(Stream stream) => new(null, stream);

    /// <summary>Connects to a TCP or unix endpoint.</summary>
    public static async Task<FakeViewer> ConnectAsync(EndPoint endPoint)
    {
        var socket = endPoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endPoint).Bounded();
        return new FakeViewer(socket, new NetworkStream(socket, ownsSocket: true));
    }

    /// <summary>Which console a tunnel leads to: a viewer's whole handshake there, for the ServerInit's desktop name.</summary>
    public static async Task<string?> DesktopNameAsync(EndPoint endPoint)
    {
        await using var viewer = await ConnectAsync(endPoint);
        return (await viewer.ConnectAsync()).Init?.Name;
    }

    /// <inheritdoc cref="DesktopNameAsync(EndPoint)"/>
    public static Task<string?> DesktopNameAsync(int loopbackPort) => DesktopNameAsync(new IPEndPoint(IPAddress.Loopback, loopbackPort));

    public async Task<RfbProtocolVersion> ReadServerVersionAsync()
    {
        var bytes = await ReadAsync(RfbProtocolVersion.WireLength);
        return RfbProtocolVersion.Parse(bytes);
    }

    public Task SendVersionAsync(RfbProtocolVersion version) => SendAsync(Encoding.ASCII.GetBytes($"RFB {version.Major:000}.{version.Minor:000}\n"));

    public Task SendRawAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public Task SendAsync(params byte[] bytes) => Stream.WriteAsync(bytes).AsTask().Bounded();

    /// <summary>
    /// The whole handshake as a stock viewer does it: replies <paramref name="reply"/> (else the server's version),
    /// takes the first type offered (None, or VNC Authentication with <paramref name="password"/>), reads the
    /// SecurityResult where the version has one, sends ClientInit with <paramref name="shared"/> and reads ServerInit.
    /// </summary>
    public async Task<ViewerOutcome> ConnectAsync(RfbProtocolVersion? reply = null, string? password = null, bool shared = true)
    {
        var server = await ReadServerVersionAsync();
        var version = reply ?? server;
        await SendVersionAsync(version);
        var v33 = version != RfbProtocolVersion.V3_7 && version != RfbProtocolVersion.V3_8;

        byte type;
        byte[] offered;
        if (v33)
        {
            type = (byte)await ReadU32Async();
            offered = type == 0 ? [] : [type];
        }
        else
        {
            offered = await ReadAsync(await ReadU8Async());
            type = offered.Length == 0 ? (byte)0 : offered[0];
        }

        if (type == 0)
        {
            return new ViewerOutcome(server, offered, await ReadReasonAsync(), null);
        }

        if (!v33)
        {
            await SendAsync(type);
        }

        if (type == (byte)RfbSecurityType.VncAuthentication)
        {
            var challenge = await ReadAsync(16);
            await SendAsync(RfbVncAuthentication.Respond(new RfbPassword(password ?? string.Empty), challenge));
        }

        if (type != (byte)RfbSecurityType.None || version == RfbProtocolVersion.V3_8)
        {
            if (await ReadU32Async() != 0)
            {
                return new ViewerOutcome(server, offered, version == RfbProtocolVersion.V3_8 ? await ReadReasonAsync() : string.Empty, null);
            }
        }

        await SendAsync(shared ? (byte)1 : (byte)0);
        var head = await ReadAsync(24);
        var name = await ReadAsync((int)BinaryPrimitives.ReadUInt32BigEndian(head.AsSpan(20)));
        var init = (BinaryPrimitives.ReadUInt16BigEndian(head), BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2)), Encoding.UTF8.GetString(name));
        BytesPerPixel = head[4] / 8;
        return new ViewerOutcome(server, offered, null, init);
    }

    /// <summary>The reason the viewer is told when the handshake refuses it, asserting that it was refused.</summary>
    public async Task<string> RefusalAsync(RfbProtocolVersion? reply = null)
    {
        var outcome = await ConnectAsync(reply);
        Assert.False(outcome.Admitted, $"expected a refusal, got {outcome}");
        return outcome.Refusal!;
    }

    /// <summary>True once the peer has closed: a read returns 0 or the connection resets.</summary>
    public async Task<bool> IsClosedAsync()
    {
        var buffer = new byte[256];
        try
        {
            while (true)
            {
                if (await Stream.ReadAsync(buffer).AsTask().Bounded() == 0)
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
        _socket?.Dispose();
    }

    private async Task<byte[]> ReadAsync(int count)
    {
        var bytes = new byte[count];
        await Stream.ReadExactlyAsync(bytes).AsTask().Bounded();
        return bytes;
    }

    private async Task<byte> ReadU8Async() => (await ReadAsync(1))[0];

    private async Task<uint> ReadU32Async() => BinaryPrimitives.ReadUInt32BigEndian(await ReadAsync(4));

    private async Task<string> ReadReasonAsync() => Encoding.UTF8.GetString(await ReadAsync((int)await ReadU32Async()));
}
