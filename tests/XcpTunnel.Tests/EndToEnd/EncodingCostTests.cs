using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Relay;
using XcpTunnel.Simulator.Backends.Screens;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;
using ClientPixelFormat = XcpTunnel.Protocol.Rfb.Client.RfbPixelFormat;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// What holding costs in bytes (docs/rfb.md, "Holding a viewer across a console swap"): while a tunnel holds viewers,
/// zlib and ZRLE are never asked of the console. TigerVNC's Xvnc, a real encoder, shows the test card and a busy
/// screen; one full update is requested per encoding on a fresh connection (fresh zlib streams, as after a swap), and
/// its bytes are counted by the relay's own tracker.
/// </summary>
public sealed class EncodingCostTests(ITestOutputHelper output)
{
    private const int Width = 800;
    private const int Height = 600;

    // Not Zlib (6): Xvnc has no encoder for it and answers in Raw.
    private static readonly (string Name, int Number)[] Encodings = [("Raw", 0), ("Hextile", 5), ("Tight", 7), ("ZRLE", 16)];

    [Fact]
    public async Task FullUpdate_ZrleAndZlibAgainstWhatIsLeft_BytesOnTheTestCardAndABusyScreen()
    {
        using var files = TemporaryDirectory.Create("xcptunnel-encoding-cost-");
        await using var xvnc = await XvncServer.StartAsync(RgbColour.Parse("#000000"), Width, Height, CancellationToken.None).WaitAsync(TestTimeouts.Default);
        var table = new StringBuilder("| screen | " + string.Join(" | ", Encodings.Select(e => e.Name)) + " |\n");
        foreach (var (name, image) in new[] { ("test card", TestCard()), ("busy screen", BusyScreen()) })
        {
            var bytes = await MeasureAsync(xvnc, files, name, image);
            table.Append(Row(name, bytes));

            // What the relay leaves a viewer that asked for ZRLE first: Tight when it asked for that too, else Hextile.
            Assert.True(bytes["Raw"] >= Width * Height * 4, $"{name}: Raw {bytes["Raw"]} bytes");
            Assert.True(bytes["ZRLE"] < bytes["Hextile"] && bytes["Tight"] < bytes["Raw"], $"{name}: {string.Join(", ", bytes)}");
        }

        output.WriteLine(table.ToString());
    }

    private static string Row(string screen, Dictionary<string, long> bytes) =>
        $"| {screen} | " + string.Join(" | ", Encodings.Select(e => bytes[e.Name].ToString("N0", System.Globalization.CultureInfo.InvariantCulture))) + " |\n";

    /// <summary>Shows <paramref name="image"/> in a window on Xvnc's screen, then one full update per encoding.</summary>
    private static async Task<Dictionary<string, long>> MeasureAsync(XvncServer xvnc, TemporaryDirectory files, string name, byte[] image)
    {
        long blackRoot = await FullUpdateBytesAsync(xvnc, 16);
        var ppm = files.File(name.Replace(' ', '-') + ".ppm");
        await File.WriteAllBytesAsync(ppm, [.. Encoding.ASCII.GetBytes($"P6\n{Width} {Height}\n255\n"), .. image]);
        var xwd = Path.ChangeExtension(ppm, ".xwd");
        await using (var converter = Processes.Start(new ProcessSpec(PeerProgram.PnmToXwd.Require(), [ppm])))
        {
            Assert.Equal(0, await converter.WaitForExitAsync(CancellationToken.None).WaitAsync(TestTimeouts.Default));
            await File.WriteAllBytesAsync(xwd, converter.StandardOutputBytes);
        }

        await using var window = Processes.Start(new ProcessSpec(PeerProgram.Xwud.Require(), ["-in", xwd, "-noclick"])
        {
            Environment = new Dictionary<string, string?> { ["DISPLAY"] = xvnc.Display },
        });

        // The window is mapped a moment later: until then the screen is the black root, a few hundred bytes of ZRLE.
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (await FullUpdateBytesAsync(xvnc, 16) < 4 * blackRoot)
        {
            Assert.True(DateTime.UtcNow < deadline, $"xwud's window never showed on Xvnc:\n{window.Describe("xwud")}");
            await Task.Delay(200);
        }

        var bytes = new Dictionary<string, long>();
        foreach (var (encoding, number) in Encodings)
        {
            bytes[encoding] = await FullUpdateBytesAsync(xvnc, number);
        }

        return bytes;
    }

    /// <summary>A viewer's RFB 3.8 handshake (None), SetEncodings [<paramref name="encoding"/>], one full request: the bytes of the update.</summary>
    private static async Task<long> FullUpdateBytesAsync(XvncServer xvnc, int encoding)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(xvnc.Host, xvnc.Port).WaitAsync(TestTimeouts.Default);
        var stream = tcp.GetStream();
        var buffer = new byte[64 * 1024];
        await stream.ReadExactlyAsync(buffer.AsMemory(0, 12)).AsTask().WaitAsync(TestTimeouts.Default);
        await stream.WriteAsync("RFB 003.008\n"u8.ToArray());
        await stream.ReadExactlyAsync(buffer.AsMemory(0, 1)).AsTask().WaitAsync(TestTimeouts.Default);
        await stream.ReadExactlyAsync(buffer.AsMemory(0, buffer[0])).AsTask().WaitAsync(TestTimeouts.Default);
        await stream.WriteAsync(new byte[] { 1, 1 }); // security None, then ClientInit shared
        await stream.ReadExactlyAsync(buffer.AsMemory(0, 4 + 24)).AsTask().WaitAsync(TestTimeouts.Default);
        var format = ClientPixelFormat.Parse(buffer.AsSpan(4 + 4, ClientPixelFormat.WireLength));
        await stream.ReadExactlyAsync(buffer.AsMemory(0, (int)BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4 + 20)))).AsTask().WaitAsync(TestTimeouts.Default);

        byte[] request = new byte[8 + 10];
        request[0] = 2; // SetEncodings, one
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), 1);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), encoding);
        request[8] = 3; // FramebufferUpdateRequest, not incremental, the whole screen
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8 + 6), Width);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8 + 8), Height);
        await stream.WriteAsync(request);

        var tracker = new RfbServerMessageTracker(format);
        long total = 0;
        do
        {
            int read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TestTimeouts.Default);
            Assert.NotEqual(0, read);
            tracker.Advance(buffer.AsSpan(0, read));
            total += read;
        }
        while (!tracker.AtBoundary);

        Assert.Null(tracker.Broken);
        return total;
    }

    /// <summary>The simulator's test card, as RGB bytes.</summary>
    private static byte[] TestCard()
    {
        var card = new TestCardScreen(Width, Height, "web01", TimeProvider.System);
        var rgb = new byte[Width * Height * 3];
        var row = new byte[Width * 4];
        for (int y = 0; y < Height; y++)
        {
            card.ReadRow(0, y, Width, Simulator.Backends.RfbPixelFormat.Rgb888, row);
            for (int x = 0; x < Width; x++)
            {
                // Rgb888: little-endian 32-bit, red at bit 16.
                (rgb[(((y * Width) + x) * 3) + 0], rgb[(((y * Width) + x) * 3) + 1], rgb[(((y * Width) + x) * 3) + 2]) = (row[(x * 4) + 2], row[(x * 4) + 1], row[x * 4]);
            }
        }

        return rgb;
    }

    /// <summary>
    /// A busy desktop: a two-way colour gradient (no two neighbouring rows alike, hard on palettes and runs) under 70
    /// lines of text in eight colours, as a terminal over a photo wallpaper.
    /// </summary>
    private static byte[] BusyScreen()
    {
        var rgb = new byte[Width * Height * 3];
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                int i = ((y * Width) + x) * 3;
                (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(x * 255 / Width), (byte)(y * 255 / Height), (byte)((x + y) * 255 / (Width + Height)));
            }
        }

        var random = new Random(13);
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789 ./-_=:[]";
        for (int line = 0; line < 70; line++)
        {
            var colour = TestCardScreen.BarColours[line % TestCardScreen.BarColours.Count];
            var text = new string([.. Enumerable.Range(0, 130).Select(_ => Letters[random.Next(Letters.Length)])]);
            for (int c = 0; c < text.Length; c++)
            {
                for (int row = 0; row < BitmapFont.GlyphHeight; row++)
                {
                    for (int column = 0; column < BitmapFont.GlyphWidth; column++)
                    {
                        if (BitmapFont.IsSet(text[c], column, row))
                        {
                            int i = ((((line * (BitmapFont.GlyphHeight + 1)) + 4 + row) * Width) + 4 + (c * BitmapFont.Advance) + column) * 3;
                            (rgb[i], rgb[i + 1], rgb[i + 2]) = ((byte)(colour >> 16), (byte)(colour >> 8), (byte)colour);
                        }
                    }
                }
            }
        }

        return rgb;
    }
}
