using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Server;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Rfb.Server;

/// <summary>
/// A viewer written byte by byte against the tunnel's <see cref="RfbViewerHandshake"/> on a loopback pair, on a
/// fake clock: what the handshake sends is read raw, and deadlines pass when the test says so.
/// </summary>
internal sealed class ViewerScript : IAsyncDisposable
{
    private ViewerScript(LoopbackPair pair, RfbViewerHandshake handshake, FakeTimeProvider time)
    {
        Pair = pair;
        Handshake = handshake;
        Time = time;
    }

    public LoopbackPair Pair { get; }

    public RfbViewerHandshake Handshake { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>The viewer's side of the connection.</summary>
    public Stream Viewer { get; set; } = Stream.Null;

    public static readonly RfbViewerHandshakeOptions Options = new()
    {
        MessageTimeout = TimeSpan.FromSeconds(10),
        PasswordTimeout = TimeSpan.FromSeconds(60),
        FailedPasswordDelay = TimeSpan.FromSeconds(2),
    };

    public static async Task<ViewerScript> StartAsync(RfbViewerSecurity? security = null)
    {
        var pair = await LoopbackPair.CreateAsync(CancellationToken.None).Bounded();
        var time = new FakeTimeProvider();
        var handshake = new RfbViewerHandshake(pair.Near, security ?? RfbViewerSecurity.None, Options with { TimeProvider = time });
        return new ViewerScript(pair, handshake, time) { Viewer = pair.Far };
    }

    /// <summary>Runs <see cref="RfbViewerHandshake.GreetAsync"/> while the viewer reads the greeting and replies <paramref name="version"/>.</summary>
    public async Task GreetAsync(string version = "RFB 003.008\n")
    {
        var greeting = Handshake.GreetAsync(CancellationToken.None);
        Assert.Equal("RFB 003.008\n", Encoding.ASCII.GetString(await ReadAsync(12)));
        await SendAsync(Encoding.ASCII.GetBytes(version));
        await greeting.Bounded();
    }

    public async Task<byte[]> ReadAsync(int count)
    {
        var bytes = new byte[count];
        await Viewer.ReadExactlyAsync(bytes).Bounded();
        return bytes;
    }

    public async Task<uint> ReadU32Async() => BinaryPrimitives.ReadUInt32BigEndian(await ReadAsync(4));

    public async Task SendAsync(params byte[] bytes)
    {
        await Viewer.WriteAsync(bytes).Bounded();
        await Viewer.FlushAsync().Bounded();
    }

    /// <summary>Moves the fake clock by <paramref name="step"/> until <paramref name="task"/> ends; returns how far it moved.</summary>
    public Task<TimeSpan> AdvanceUntilDoneAsync(Task task, TimeSpan step) => FakeClock.AdvanceUntilDoneAsync(Time, task, step);

    public async ValueTask DisposeAsync()
    {
        Handshake.Dispose();
        await Viewer.DisposeAsync();
        await Pair.DisposeAsync();
    }
}
