using System.Net;
using System.Net.Sockets;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// The ssh harness checked against itself: a real sshd, real test accounts, real <c>ssh -L</c>. The
/// daemon will identify who is behind a forwarded connection by the uid owning its socket; these tests
/// show that uid is the logged-in user's.
/// </summary>
public sealed class SshPeersTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task SshForward_AsEachOfTwoUsers_ReachesTheTargetFromASocketOwnedByThatUsersUid()
    {
        await using var alice = await TestUser.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        await using var bob = await TestUser.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        await using var sshd = await SshServer.StartAsync(CancellationToken.None).WaitAsync(TestTimeout);
        using var target = new TcpListener(IPAddress.Loopback, 0);
        target.Start();
        var targetPort = ((IPEndPoint)target.LocalEndpoint).Port;

        foreach (var user in new[] { alice, bob })
        {
            await using var forward = await SshForward.StartAsync(sshd, user, "127.0.0.1", targetPort, CancellationToken.None).WaitAsync(TestTimeout);
            using var viewer = new TcpClient(AddressFamily.InterNetwork);
            await viewer.ConnectAsync(IPAddress.Loopback, forward.LocalPort).WaitAsync(TestTimeout);
            using var accepted = await target.AcceptSocketAsync().WaitAsync(TestTimeout);

            var (uid, line) = await TcpSockets.OwnerAsync(
                (IPEndPoint)accepted.RemoteEndPoint!, (IPEndPoint)accepted.LocalEndPoint!, CancellationToken.None).WaitAsync(TestTimeout);

            Assert.True(uid == user.Uid, $"the target's peer socket is owned by uid {uid}, not {user}: {line}\n{sshd.Log}");
            Assert.Contains("sshd", line);
            await AssertCarriesBytesAsync(viewer.GetStream(), accepted);
        }
    }

    [Fact]
    public async Task SshForward_AnotherUsersKey_IsRefusedAndSaysSo()
    {
        await using var alice = await TestUser.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        await using var bob = await TestUser.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        await using var sshd = await SshServer.StartAsync(CancellationToken.None).WaitAsync(TestTimeout);

        var failure = await Assert.ThrowsAsync<ProcessFailedException>(
            () => SshForward.StartAsync(sshd, alice.Name, bob.Key, "127.0.0.1", TestPorts.Free(), CancellationToken.None)).WaitAsync(TestTimeout);

        Assert.Contains("Permission denied (publickey)", failure.Message);
    }

    [Fact]
    public async Task TestUser_Disposed_IsGoneFromPasswdWithItsHome()
    {
        var user = await TestUser.CreateAsync(CancellationToken.None).WaitAsync(TestTimeout);
        Assert.True(TestUser.Exists(user.Name));
        Assert.True(File.Exists(Path.Combine(user.Home, ".ssh", "authorized_keys")));

        await user.DisposeAsync().AsTask().WaitAsync(TestTimeout);

        Assert.False(TestUser.Exists(user.Name), $"{user} is still in /etc/passwd");
        Assert.False(Directory.Exists(user.Home), $"{user.Home} is left behind");
    }

    private static async Task AssertCarriesBytesAsync(NetworkStream viewer, Socket target)
    {
        byte[] hello = [0x52, 0x46, 0x42, 0x0a];
        await viewer.WriteAsync(hello).AsTask().WaitAsync(TestTimeout);
        var received = new byte[hello.Length];
        await using var stream = new NetworkStream(target, ownsSocket: false);
        await stream.ReadExactlyAsync(received).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(hello, received);
    }
}
