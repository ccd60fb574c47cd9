using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Simulator;
using XcpTunnel.Simulator.Backends;
using XcpTunnel.Simulator.Backends.Screens;

namespace XcpTunnel.Protocol.Tests.Simulator;

/// <summary>The test-card consoles: colour bars at known places in the viewer's pixel format, and a clock that changes once a second.</summary>
public sealed class TestCardTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 17, 59, 58, TimeSpan.Zero);

    // Full-intensity bars, left to right: white, yellow, cyan, green, magenta, red, blue, black.
    private static readonly uint[] Bars32 = [0xFFFFFF, 0xFFFF00, 0x00FFFF, 0x00FF00, 0xFF00FF, 0xFF0000, 0x0000FF, 0x000000];

    // The same in vncterm's BGR233: red bits 0-2, green 3-5, blue 6-7.
    private static readonly byte[] Bars8 = [0xFF, 0x3F, 0xF8, 0x38, 0xC7, 0x07, 0xC0, 0x00];

    [Fact]
    public async Task QemuTestCard_32BppViewer_SeesTheBarsAtTheirPositions()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        await using var client = await TunnelAsync(vm, pool);

        var (width, height, name) = await HandshakeAsync(client, "RFB 003.008\n");
        Assert.Equal((800, 600, "QEMU (web01)"), (width, height, name));

        byte[] row = await RequestAsync(client, incremental: false, new PixelRect(0, 10, width, 1), bytesPerPixel: 4);
        for (int bar = 0; bar < 8; bar++)
        {
            int x = (bar * width / 8) + (width / 16);
            Assert.Equal(Bars32[bar], BinaryPrimitives.ReadUInt32LittleEndian(row.AsSpan(x * 4)));
        }
    }

    [Fact]
    public async Task VnctermTestCard_8BppViewer_SeesTheBarsAtTheirPositions_AndTheNameBelow()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("pv-console", backend: ConsoleBackend.VnctermTestCard());
        await using var client = await TunnelAsync(vm, pool);

        var (width, height, name) = await HandshakeAsync(client, "RFB 003.003\n");
        Assert.Equal((640, 384, "XenServer Virtual Terminal"), (width, height, name));

        byte[] row = await RequestAsync(client, incremental: false, new PixelRect(0, height / 4, width, 1), bytesPerPixel: 1);
        for (int bar = 0; bar < 8; bar++)
        {
            Assert.Equal(Bars8[bar], row[(bar * width / 8) + (width / 16)]);
        }

        // The lower half is black with white lettering: both must be there.
        byte[] lower = await RequestAsync(client, incremental: false, new PixelRect(0, height / 2, width, height / 2), bytesPerPixel: 1);
        Assert.Contains((byte)0x00, lower);
        Assert.Contains((byte)0xFF, lower);
        Assert.All(lower, b => Assert.True(b is 0x00 or 0xFF or 0x38, $"unexpected pixel {b:X2} below the bars"));
    }

    [Fact]
    public async Task QemuTestCard_SetPixelFormat8Bpp_DrawsTheBarsInThatFormat()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard());
        await using var client = await TunnelAsync(vm, pool);
        var (width, _, _) = await HandshakeAsync(client, "RFB 003.008\n");

        await client.SendAsync([0, 0, 0, 0, 8, 8, 0, 1, 0, 7, 0, 7, 0, 3, 0, 3, 6, 0, 0, 0]); // BGR233
        byte[] row = await RequestAsync(client, incremental: false, new PixelRect(0, 0, width, 1), bytesPerPixel: 1);

        for (int bar = 0; bar < 8; bar++)
        {
            Assert.Equal(Bars8[bar], row[(bar * width / 8) + (width / 16)]);
        }
    }

    [Fact]
    public async Task TestCard_IncrementalRequest_GetsTheClockWhenTheSecondChanges_AndNothingBefore()
    {
        var time = new FakeTimeProvider(Start);
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("web01", backend: ConsoleBackend.QemuTestCard(time));
        await using var client = await TunnelAsync(vm, pool);
        var (width, height, _) = await HandshakeAsync(client, "RFB 003.008\n");
        PixelRect clock = new TestCardScreen(width, height, "web01", time).ClockArea;

        byte[] before = await RequestAsync(client, incremental: false, clock, bytesPerPixel: 4);
        Assert.Equal(Render(width, height, "web01", time, clock), before);

        // The viewer is up to date: the incremental request must wait. A later non-incremental 1×1 request
        // is answered first, which shows nothing was sent for the incremental one meanwhile.
        await SendRequestAsync(client, incremental: true, clock);
        byte[] ping = await RequestAsync(client, incremental: false, new PixelRect(0, 0, 1, 1), bytesPerPixel: 4);
        Assert.Equal(0xFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(ping));

        time.Advance(TimeSpan.FromSeconds(1));

        var (area, after) = await ReadUpdateAsync(client, bytesPerPixel: 4);
        Assert.Equal(clock, area);
        Assert.NotEqual(before, after);
        Assert.Equal(Render(width, height, "web01", time, clock), after);
    }

    [Fact]
    public async Task TestCard_8BppViewer_ClockRedrawnEverySecond()
    {
        var time = new FakeTimeProvider(Start);
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("pv-console", backend: ConsoleBackend.VnctermTestCard(time));
        await using var client = await TunnelAsync(vm, pool);
        var (width, height, _) = await HandshakeAsync(client, "RFB 003.003\n");

        // The first incremental request gets the whole screen: the viewer has seen nothing yet.
        await SendRequestAsync(client, incremental: true, new PixelRect(0, 0, width, height));
        var (first, _) = await ReadUpdateAsync(client, bytesPerPixel: 1);
        Assert.Equal(new PixelRect(0, 0, width, height), first);

        PixelRect clock = new TestCardScreen(width, height, "pv-console", time).ClockArea;
        var seen = new HashSet<string>();
        for (int second = 0; second < 3; second++)
        {
            await SendRequestAsync(client, incremental: true, new PixelRect(0, 0, width, height));

            // The backend arms its wait for the next second only once it has read the request, which the
            // test cannot observe: keep advancing the clock until the update comes.
            var update = ReadUpdateAsync(client, bytesPerPixel: 1);
            while (!update.IsCompleted)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                await Task.WhenAny(update, Task.Delay(100));
            }

            var (area, pixels) = await update;
            Assert.Equal(clock, area);
            Assert.True(seen.Add(Convert.ToHexString(pixels)), "the clock must look different every second");
        }
    }

    /// <summary>What a fresh test card shows in <paramref name="area"/> at the provider's current time, 32 bpp.</summary>
    private static byte[] Render(int width, int height, string name, TimeProvider time, PixelRect area)
    {
        var screen = new TestCardScreen(width, height, name, time);
        byte[] pixels = new byte[area.Width * area.Height * 4];
        for (int y = 0; y < area.Height; y++)
        {
            screen.ReadRow(area.X, area.Y + y, area.Width, RfbPixelFormat.Rgb888, pixels.AsSpan(y * area.Width * 4, area.Width * 4));
        }

        return pixels;
    }

    private static async Task<RawHostClient> TunnelAsync(SimulatedVm vm, SimulatedPool pool)
    {
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        var client = await RawHostClient.ConnectAsync(vm.ResidentOn!);
        await client.SendAsync(SimulatorFixture.ConnectRequest(vm, session));
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await client.ReadHeadAsync());
        return client;
    }

    /// <summary>Replies with <paramref name="version"/> (3.3 or 3.8), security None, shared ClientInit; returns ServerInit.</summary>
    private static async Task<(int Width, int Height, string Name)> HandshakeAsync(RawHostClient client, string version)
    {
        await client.ReadExactlyAsync(12);
        await client.SendAsync(version);
        if (version == "RFB 003.008\n")
        {
            Assert.Equal(new byte[] { 1, 1 }, await client.ReadExactlyAsync(2));
            await client.SendAsync([1]);
        }

        byte[] security = await client.ReadExactlyAsync(4);
        Assert.Equal(version == "RFB 003.008\n" ? 0u : 1u, BinaryPrimitives.ReadUInt32BigEndian(security));
        await client.SendAsync([1]);
        byte[] init = await client.ReadExactlyAsync(24);
        byte[] name = await client.ReadExactlyAsync((int)BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(20)));
        return (BinaryPrimitives.ReadUInt16BigEndian(init), BinaryPrimitives.ReadUInt16BigEndian(init.AsSpan(2)), Encoding.UTF8.GetString(name));
    }

    private static Task SendRequestAsync(RawHostClient client, bool incremental, PixelRect area)
    {
        byte[] request = new byte[10];
        request[0] = 3;
        request[1] = incremental ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(2), (ushort)area.X);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(4), (ushort)area.Y);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(6), (ushort)area.Width);
        BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), (ushort)area.Height);
        return client.SendAsync(request);
    }

    private static async Task<byte[]> RequestAsync(RawHostClient client, bool incremental, PixelRect area, int bytesPerPixel)
    {
        await SendRequestAsync(client, incremental, area);
        var (got, pixels) = await ReadUpdateAsync(client, bytesPerPixel);
        Assert.Equal(area, got);
        return pixels;
    }

    /// <summary>Reads a FramebufferUpdate of exactly one Raw rectangle.</summary>
    private static async Task<(PixelRect Area, byte[] Pixels)> ReadUpdateAsync(RawHostClient client, int bytesPerPixel)
    {
        byte[] head = await client.ReadExactlyAsync(4 + 12);
        Assert.Equal(0, head[0]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(2)));
        Assert.Equal(0, BinaryPrimitives.ReadInt32BigEndian(head.AsSpan(12)));
        var area = new PixelRect(
            BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(4)),
            BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(6)),
            BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(8)),
            BinaryPrimitives.ReadUInt16BigEndian(head.AsSpan(10)));
        return (area, await client.ReadExactlyAsync(area.Width * area.Height * bytesPerPixel));
    }
}
