using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Cli;

/// <summary><c>xcptunnel snapshot</c>'s answers about the file it is to write.</summary>
public sealed class SnapshotCommandTests
{
    [Fact]
    public async Task Snapshot_IntoAMissingDirectory_NamesThatDirectoryBeforeProbing()
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-cli-");
        var missing = directory.File("no-such-dir");
        var png = Path.Combine(missing, "web01.png");
        // The target is a listener that records connections: the probe must not have started.
        using var tunnel = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        tunnel.Start();

        var result = await CliPool.RunAsync("snapshot", $"127.0.0.1:{((System.Net.IPEndPoint)tunnel.LocalEndpoint).Port}", png);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"xcptunnel: cannot write {png}: no directory {missing}\n", result.StandardError);
        Assert.Empty(result.StandardOutput);
        Assert.False(tunnel.Pending(), "the snapshot dialled the tunnel although it could not write the file");
    }
}
