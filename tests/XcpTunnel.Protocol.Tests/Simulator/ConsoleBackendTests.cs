using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Simulator;

public sealed class ConsoleBackendTests
{
    /// <summary>Opens a tunnel to <paramref name="vm"/> and returns the client positioned at the first RFB byte.</summary>
    private static async Task<RawHostClient> TunnelAsync(SimulatedPool pool, SimulatedVm vm, string session, string? pipelined = null)
    {
        var client = await RawHostClient.ConnectAsync(vm.ResidentOn!);
        await client.SendAsync(SimulatorFixture.ConnectRequest(vm, session) + pipelined);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await client.ReadHeadAsync());
        return client;
    }

    // Whoever ends first, the other side reads EOF while its own direction still carries bytes: only a half-close
    // passed on gets that far (the tunnel stays open until both have ended).
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Tcp_SplicesBothWays_AndPassesEachEndOnAsAHalfClose(bool viewerEndsFirst)
    {
        using var vncServer = new TcpListener(IPAddress.Loopback, 0);
        vncServer.Start();
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("xvnc", backend: ConsoleBackend.Tcp("127.0.0.1", ((IPEndPoint)vncServer.LocalEndpoint).Port));
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var viewer = await TunnelAsync(pool, vm, session, pipelined: "early");
        using var console = await vncServer.AcceptTcpClientAsync().Bounded();
        var consoleStream = console.GetStream();

        if (viewerEndsFirst)
        {
            await viewer.SendAsync(" and late");
            await viewer.Stream.ShutdownAsync().Bounded();
            Assert.Equal("early and late", await ReadToEndAsync(consoleStream));
            await consoleStream.WriteAsync("answer"u8.ToArray());
            console.Client.Shutdown(SocketShutdown.Send);
            Assert.Equal("answer", Encoding.ASCII.GetString(await viewer.ReadToEndAsync()));
        }
        else
        {
            await consoleStream.WriteAsync("answer"u8.ToArray());
            console.Client.Shutdown(SocketShutdown.Send);
            Assert.Equal("answer", Encoding.ASCII.GetString(await viewer.ReadToEndAsync()));
            await viewer.SendAsync(" and late");
            await viewer.Stream.ShutdownAsync().Bounded();
            Assert.Equal("early and late", await ReadToEndAsync(consoleStream));
        }
    }

    private static async Task<string> ReadToEndAsync(Stream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all).Bounded();
        return Encoding.ASCII.GetString(all.ToArray());
    }

    [Fact]
    public async Task Vncterm_Reply38_Closes()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("pv01", backend: ConsoleBackend.Vncterm());
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await TunnelAsync(pool, vm, session);

        Assert.Equal("RFB 003.003\n", Encoding.ASCII.GetString(await client.ReadExactlyAsync(12)));
        await client.SendAsync("RFB 003.008\n");

        Assert.True(await client.IsClosedByServerAsync());
    }

    [Fact]
    public async Task Vncterm_Reply33_CompletesHandshake_AndDrawsItsColour()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("pv01", backend: ConsoleBackend.Vncterm(colour: 0x5A));
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);

        // The version reply rides in the same segment as the CONNECT head: those bytes belong to the tunnel.
        await using var client = await TunnelAsync(pool, vm, session, pipelined: "RFB 003.003\n");

        Assert.Equal("RFB 003.003\n", Encoding.ASCII.GetString(await client.ReadExactlyAsync(12)));
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, await client.ReadExactlyAsync(4)); // security None, no SecurityResult
        await client.SendAsync([1]); // ClientInit shared
        byte[] init = await client.ReadExactlyAsync(24);
        Assert.Equal(640, BinaryPrimitives.ReadUInt16BigEndian(init));
        Assert.Equal(384, BinaryPrimitives.ReadUInt16BigEndian(init.AsSpan(2)));
        Assert.Equal(new byte[] { 8, 8, 0, 1, 0, 7, 0, 7, 0, 3, 0, 3, 6 }, init[4..17]);
        int nameLength = (int)BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(20));
        Assert.Equal("XenServer Virtual Terminal", Encoding.ASCII.GetString(await client.ReadExactlyAsync(nameLength)));

        await client.SendAsync([3, 0, 0, 10, 0, 20, 0, 4, 0, 2]); // non-incremental 4×2 at (10,20)
        byte[] update = await client.ReadExactlyAsync(16 + 8);
        Assert.Equal(new byte[] { 0, 0, 0, 1, 0, 10, 0, 20, 0, 4, 0, 2, 0, 0, 0, 0 }, update[..16]);
        Assert.All(update[16..], b => Assert.Equal(0x5A, b));
    }

    [Fact]
    public async Task Qemu_38Handshake_ThenUpdateIn16BppBigEndian()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("hvm01", backend: ConsoleBackend.Qemu(rgb: 0xFF0000, width: 32, height: 16));
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await TunnelAsync(pool, vm, session);

        Assert.Equal("RFB 003.008\n", Encoding.ASCII.GetString(await client.ReadExactlyAsync(12)));
        await client.SendAsync("RFB 003.008\n");
        Assert.Equal(new byte[] { 1, 1 }, await client.ReadExactlyAsync(2));
        await client.SendAsync([1]);
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, await client.ReadExactlyAsync(4));
        await client.SendAsync([1]);
        byte[] init = await client.ReadExactlyAsync(24);
        int nameLength = (int)BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(20));
        Assert.Equal("QEMU (hvm01)", Encoding.ASCII.GetString(await client.ReadExactlyAsync(nameLength)));

        // RGB565 big-endian: red max 31 at shift 11.
        await client.SendAsync([0, 0, 0, 0, 16, 16, 1, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0, 0, 0, 0]);
        await client.SendAsync([3, 0, 0, 0, 0, 0, 0, 2, 0, 1]);
        byte[] update = await client.ReadExactlyAsync(16 + 4);
        Assert.Equal(new byte[] { 0xF8, 0x00, 0xF8, 0x00 }, update[16..]);
    }

    [Fact]
    public async Task Qemu_SharedFlagZero_DisconnectsTheOtherViewer()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("hvm01");
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);

        async Task<RawHostClient> ViewerAsync(byte shared)
        {
            var c = await TunnelAsync(pool, vm, session);
            await c.ReadExactlyAsync(12);
            await c.SendAsync("RFB 003.003\n");
            Assert.Equal(new byte[] { 0, 0, 0, 1 }, await c.ReadExactlyAsync(4));
            await c.SendAsync([shared]);
            byte[] init = await c.ReadExactlyAsync(24);
            await c.ReadExactlyAsync((int)BinaryPrimitives.ReadUInt32BigEndian(init.AsSpan(20)));
            return c;
        }

        await using var first = await ViewerAsync(shared: 1);
        await using var second = await ViewerAsync(shared: 0);

        Assert.True(await first.IsClosedByServerAsync());
        await second.SendAsync([3, 0, 0, 0, 0, 0, 0, 1, 0, 1]);
        Assert.Equal(16 + 4, (await second.ReadExactlyAsync(20)).Length);
    }

    [Fact]
    public async Task Reboot_ClosesOpenTunnels_AndRecreatesTheConsole()
    {
        await using var pool = await SimulatorFixture.StartAsync();
        var vm = pool.AddVm("hvm01");
        string oldConsole = vm.ConsoleRef!;
        string session = await RawHostClient.LoginAsync(pool.Hosts[0]);
        await using var client = await TunnelAsync(pool, vm, session);
        await client.ReadExactlyAsync(12);

        pool.Reboot(vm);

        Assert.True(await client.IsClosedByServerAsync());
        Assert.NotEqual(oldConsole, vm.ConsoleRef);
    }
}
