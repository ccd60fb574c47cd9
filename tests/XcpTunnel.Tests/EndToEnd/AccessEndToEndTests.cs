using System.Net;
using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// Who may open a console, as a shared jump host sees it: two local accounts, each with an <c>ssh -L</c> forward
/// through a real sshd to the real <c>serve</c>; one is in the tunnel's allow list and gets the console, the other
/// is told why not. The daemon knows them apart by the kernel's word on the uid behind each connection.
/// </summary>
public sealed class AccessEndToEndTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task SshForwards_TheListedUserGetsTheConsole_TheOtherIsToldWhy_OverTcpAndAUnixSocket()
    {
        await using var alice = await TestUser.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        await using var bob = await TestUser.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.Qemu(width: 800, height: 600));
        using var sockets = TemporaryDirectory.Create("xcptunnel-sockets-");
        // sshd connects to the socket as the logged-in user, who must be able to reach it.
        File.SetUnixFileMode(sockets.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        var socketPath = sockets.File("web.sock");
        var port = 0;
        await using var serve = await ServeProcess.StartAsync(
            () =>
            {
                port = TestPorts.Free();
                return lab.WriteConfig(new JsonObject
                {
                    ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
                    ["Tunnels"] = new JsonObject
                    {
                        ["web"] = Tunnel("127.0.0.1:" + port, alice.Name),
                        ["websock"] = Tunnel("unix:" + socketPath, alice.Name),
                    },
                });
            },
            ["web", "websock"]);
        await using var sshd = await SshServer.StartAsync(CancellationToken.None).WaitAsync(TestTimeout);

        foreach (var (tunnel, forward) in new (string, Func<TestUser, Task<SshForward>>)[]
        {
            ("web", user => SshForward.StartAsync(sshd, user, "127.0.0.1", port, CancellationToken.None)),
            ("websock", user => SshForward.StartToUnixSocketAsync(sshd, user, socketPath, CancellationToken.None)),
        })
        {
            await using (var allowed = await forward(alice).WaitAsync(TestTimeout))
            await using (var viewer = await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, allowed.LocalPort)))
            {
                var outcome = await viewer.ConnectAsync();
                Assert.True(outcome.Admitted, $"{alice.Name} through {tunnel}: {outcome.Refusal}\n{serve.Process.StandardError}");
                Assert.Equal((800, 600, "QEMU (web01)"), outcome.Init);
            }

            await using (var refused = await forward(bob).WaitAsync(TestTimeout))
            await using (var viewer = await FakeViewer.ConnectAsync(new IPEndPoint(IPAddress.Loopback, refused.LocalPort)))
            {
                Assert.Equal($"user '{bob.Name}' may not open tunnel '{tunnel}'", await viewer.RefusalAsync());
            }

            await serve.Process.WaitForOutputAsync($"uid {bob.Uid} ({bob.Name}) from", TestTimeouts.Default);
            Assert.Contains($"may not open tunnel {tunnel} (VM web01)", serve.Process.StandardError, StringComparison.Ordinal);
        }

        // Bob's two attempts cost the pool nothing: one CONNECT per admitted viewer.
        Assert.Equal(2, lab.Pool.Counters.Connects);
    }

    private static JsonObject Tunnel(string listen, string user) => new()
    {
        ["Listen"] = listen,
        ["Pool"] = "lab",
        ["Vm"] = "web01",
        ["AllowUsers"] = new JsonArray(user),
    };
}
