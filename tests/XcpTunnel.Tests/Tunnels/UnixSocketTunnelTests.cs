using System.Net.Sockets;
using XcpTunnel.Access;
using XcpTunnel.Configuration;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>Tunnels on <c>unix:</c> sockets: the file's mode and group, a stale file replaced, a live or foreign one left alone.</summary>
public sealed class UnixSocketTunnelTests : IDisposable
{
    private readonly TemporaryDirectory _directory = TemporaryDirectory.Create("xcptunnel-unix-");

    private string SocketPath => _directory.File("web.sock");

    [Fact]
    public async Task UnixListener_ViewerIsIdentifiedByItsCredentials_AndGetsTheConsole()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        var tunnel = fixture.StartTunnel("web01", configure: OnSocket(allow: Environment.UserName));
        await using var viewer = await FakeViewer.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));

        Assert.Equal((1024, 768, "QEMU (web01)"), (await viewer.ConnectAsync()).Init);
        Assert.Equal(SocketPath, tunnel.EndPoints[0].ToString());
        await fixture.WaitForLogAsync($"viewer uid {CurrentUser.Uid} ({Environment.UserName}) from unix");
    }

    [Fact]
    public async Task UnixListener_UserNotListed_IsToldWhy()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.StartTunnel("web01", configure: OnSocket(allow: "nobody"));
        await using var viewer = await FakeViewer.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));

        Assert.Equal($"user '{Environment.UserName}' may not open tunnel 't1'", await viewer.RefusalAsync());
    }

    [Fact]
    public async Task SocketFile_GetsTheModeAndGroup_AndGoesWhenTheTunnelStops()
    {
        await using var fixture = await TunnelFixture.StartAsync();
        const UnixFileMode ownerAndGroup = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
        var tunnel = fixture.StartTunnel("web01", configure: OnSocket(mode: ownerAndGroup, group: "daemon"));

        Assert.Equal(ownerAndGroup, File.GetUnixFileMode(SocketPath));
        Assert.Equal("daemon", (await Processes.RunAsync(new ProcessSpec("stat", ["-c", "%G", SocketPath]), TestTimeouts.Default, CancellationToken.None)).StandardOutput.Trim());
        await tunnel.StopAsync(TimeSpan.Zero).Bounded();
        Assert.False(File.Exists(SocketPath));
    }

    [Fact]
    public async Task StaleSocketFile_OfADaemonThatDied_IsReplaced()
    {
        using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            dead.Bind(new UnixDomainSocketEndPoint(SocketPath));
        }

        await using var fixture = await TunnelFixture.StartAsync();
        fixture.Pool.AddVm("web01");
        fixture.StartTunnel("web01", configure: OnSocket());
        await using var viewer = await FakeViewer.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath));

        Assert.True((await viewer.ConnectAsync()).Admitted);
    }

    [Fact]
    public async Task LiveSocket_OfAnotherProcess_IsLeftAlone()
    {
        using var live = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        live.Bind(new UnixDomainSocketEndPoint(SocketPath));
        live.Listen();
        await using var fixture = await TunnelFixture.StartAsync();

        var error = Assert.Throws<SocketException>(() => fixture.StartTunnel("web01", configure: OnSocket()));

        Assert.Contains($"another process is listening on {SocketPath}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegularFile_AtThePath_IsLeftAlone()
    {
        await File.WriteAllTextAsync(SocketPath, "not a socket");
        await using var fixture = await TunnelFixture.StartAsync();

        var error = Assert.Throws<IOException>(() => fixture.StartTunnel("web01", configure: OnSocket()));

        Assert.Equal($"{SocketPath} exists and is not a socket; remove it or choose another path", error.Message);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(SocketPath));
    }

    public void Dispose() => _directory.Dispose();

    private Func<TunnelSettings, TunnelSettings> OnSocket(string? allow = null, UnixFileMode? mode = null, string? group = null) =>
        t => t with
        {
            Listen = [new UnixDomainSocketEndPoint(SocketPath)],
            ListenText = "unix:" + SocketPath,
            AllowUsers = allow is null ? null : AllowList.Parse([allow], UserDirectory.Default, out _),
            UnixSocket = new UnixSocketSettings(
                mode ?? UnixSocketSettings.DefaultMode, group is null ? null : UserDirectory.Default.FindGroupId(group), group),
        };
}
