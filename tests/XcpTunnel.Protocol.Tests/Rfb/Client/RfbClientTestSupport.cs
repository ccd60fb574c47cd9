using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

internal static class RfbClientTestSupport
{
    public static RfbClientOptions Options { get; } = new() { MessageTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>Connects over <paramref name="segments"/> (delivered one per read) and reads one full screen.</summary>
    public static async Task<RfbFramebuffer> ReadScreenAsync(params byte[][] segments)
    {
        var stream = new ScriptedStream(new ChunkedStream(segments));
        await using RfbClient client = await RfbClient.ConnectAsync(stream, Options, CancellationToken.None).Bounded();
        return await client.ReadFullFramebufferAsync(CancellationToken.None).Bounded();
    }

    /// <summary>Every pixel of <paramref name="screen"/> is <paramref name="expected"/>(x, y).</summary>
    public static void AssertPixels(RfbFramebuffer screen, int width, int height, Func<int, int, uint> expected)
    {
        Assert.Equal((width, height), (screen.Width, screen.Height));
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if (screen[x, y] != expected(x, y))
                {
                    Assert.Fail($"pixel ({x}, {y}) is 0x{screen[x, y]:X6}, expected 0x{expected(x, y):X6}");
                }
            }
        }
    }
}
