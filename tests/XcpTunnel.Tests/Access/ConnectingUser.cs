using System.Globalization;
using System.Net.Sockets;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Access;

/// <summary>
/// A process of another user connected to a test's listener: socat, started through setpriv with that
/// user's uid, gid and groups. It reads until the test closes the connection, then exits.
/// </summary>
internal static class ConnectingUser
{
    private static readonly PeerProgram SetPriv = new("setpriv", "util-linux");

    /// <summary>Starts <paramref name="account"/>'s client of <paramref name="socatAddress"/> (<c>TCP4:127.0.0.1:5901</c>, <c>UNIX-CONNECT:/tmp/s</c>).</summary>
    public static RunningProcess Start(TestAccount account, string socatAddress) =>
        Processes.Start(new ProcessSpec(SetPriv.Require(), [
            $"--reuid={account.Uid.ToString(CultureInfo.InvariantCulture)}",
            $"--regid={account.Gid.ToString(CultureInfo.InvariantCulture)}",
            "--init-groups",
            "--",
            PeerProgram.Socat.Require(), "-u", socatAddress, "STDOUT",
        ]));

    /// <summary>Accepts <paramref name="client"/>'s connection, or fails with its output if it exits first.</summary>
    public static async Task<Socket> AcceptAsync(Socket listener, RunningProcess client)
    {
        var accept = listener.AcceptAsync();
        if (await Task.WhenAny(accept, client.Exited).Bounded() != accept)
        {
            Assert.Fail(client.Describe("exited before connecting"));
        }

        return await accept.Bounded();
    }

    /// <summary>
    /// Closes the connection and waits for the client to exit on its own, so disposing it never races
    /// with its exit.
    /// </summary>
    public static async Task HangUpAsync(Socket accepted, RunningProcess client)
    {
        accepted.Dispose();
        await client.WaitForExitAsync(CancellationToken.None).Bounded();
    }
}
