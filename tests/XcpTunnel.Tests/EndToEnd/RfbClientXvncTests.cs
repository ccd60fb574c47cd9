using System.Net;
using System.Net.Sockets;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>The headless RFB client against a real server: Xvnc picks ZRLE or Hextile itself, so this tests the real decoders.</summary>
public sealed class RfbClientXvncTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ReadFull_Xvnc_EveryPixelIsTheRootColour()
    {
        await using var server = await XvncServer.StartAsync(RgbColour.Parse("#ff8000"), 640, 480, CancellationToken.None).WaitAsync(TestTimeout);
        using var tcp = new TcpClient(AddressFamily.InterNetwork);
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeout);

        await using var client = await RfbClient.ConnectAsync(tcp.GetStream(), new RfbClientOptions(), CancellationToken.None).WaitAsync(TestTimeout);
        var screen = await client.ReadFullFramebufferAsync(CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal((640, 480), (screen.Width, screen.Height));
        Assert.True(screen.IsSingleColour(out uint colour), $"dominant 0x{screen.DominantColour():X6}\n{server.Log}");
        Assert.Equal(0xFF8000u, colour);
        // Offered ZRLE first, Xvnc answers in ZRLE (or Hextile): never Raw alone.
        Assert.True(client.RectanglesByEncoding.Keys.Any(e => e is 16 or 5), string.Join(", ", client.RectanglesByEncoding));
    }
}
