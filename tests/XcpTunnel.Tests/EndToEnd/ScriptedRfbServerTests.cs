using System.Net;
using System.Net.Sockets;
using System.Text;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>The scripted server's bytes on the wire, read by a raw socket: each refusal is what RFC 6143 says.</summary>
public sealed class ScriptedRfbServerTests
{
    private const string Reason = "user 'bob' may not open tunnel 'centos'";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task SecurityTypeZero_To38_SendsU32ZeroThenTheReason()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.SecurityTypeZero, Reason);
        using var client = await HandshakeAsync(server, "RFB 003.008\n");

        Assert.Equal([0, 0, 0, 0, .. LengthAndReason()], await ReadToEndAsync(client));
    }

    [Fact]
    public async Task NoSecurityTypes_To38_SendsU8ZeroThenTheReason()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.NoSecurityTypes, Reason);
        using var client = await HandshakeAsync(server, "RFB 003.008\n");

        Assert.Equal([0, .. LengthAndReason()], await ReadToEndAsync(client));
    }

    [Fact]
    public async Task FailedResultAfterNone_To38_OffersNoneThenFailsWithTheReason()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterNone, Reason);
        using var client = await HandshakeAsync(server, "RFB 003.008\n");

        Assert.Equal([1, 1], await ReadAsync(client, 2));
        await client.GetStream().WriteAsync(new byte[] { 1 }).AsTask().WaitAsync(TestTimeout);
        Assert.Equal([0, 0, 0, 1, .. LengthAndReason()], await ReadToEndAsync(client));
        var session = Assert.Single(await server.WaitForSessionsAsync(1, CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Equal(new RfbSession("RFB 003.008", 1, null, null), session with { VncAuthResponse = null });
    }

    [Fact]
    public async Task FailedResultAfterVncAuth_To37_ChallengesThenFailsWithoutAReason()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterVncAuth, Reason);
        using var client = await HandshakeAsync(server, "RFB 003.007\n");

        Assert.Equal([1, 2], await ReadAsync(client, 2));
        await client.GetStream().WriteAsync(new byte[] { 2 }).AsTask().WaitAsync(TestTimeout);
        Assert.Equal(ScriptedRfbServer.Challenge, await ReadAsync(client, 16));
        var response = Enumerable.Repeat((byte)0x5a, 16).ToArray();
        await client.GetStream().WriteAsync(response).AsTask().WaitAsync(TestTimeout);
        Assert.Equal([0, 0, 0, 1], await ReadToEndAsync(client));
        var session = Assert.Single(await server.WaitForSessionsAsync(1, CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Equal(response, session.VncAuthResponse);
    }

    [Fact]
    public async Task FailedResultAfterNone_To33_NamesNoneAndCloses_As33HasNoResultAfterNone()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterNone, Reason);
        using var client = await HandshakeAsync(server, "RFB 003.003\n");

        Assert.Equal([0, 0, 0, 1], await ReadToEndAsync(client));
    }

    [Fact]
    public async Task Viewer_HangingUpBeforeItsVersion_IsRecordedWithTheError()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.NoSecurityTypes, Reason);
        using (var client = new TcpClient(AddressFamily.InterNetwork))
        {
            await client.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeout);
        }

        var session = Assert.Single(await server.WaitForSessionsAsync(1, CancellationToken.None).WaitAsync(TestTimeout));
        Assert.Equal(string.Empty, session.ClientVersion);
        Assert.NotNull(session.Error);
    }

    [Fact]
    public async Task Start_PicksAPortGvncCaptureCanAddress()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.NoSecurityTypes, Reason);

        Assert.True(server.Port >= VncClients.FirstDisplayPort);
    }

    private static byte[] LengthAndReason()
    {
        var reason = Encoding.UTF8.GetBytes(Reason);
        return [0, 0, 0, (byte)reason.Length, .. reason];
    }

    private static async Task<TcpClient> HandshakeAsync(ScriptedRfbServer server, string version)
    {
        var client = new TcpClient(AddressFamily.InterNetwork);
        await client.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestTimeout);
        Assert.Equal("RFB 003.008\n"u8.ToArray(), await ReadAsync(client, 12));
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(version)).AsTask().WaitAsync(TestTimeout);
        return client;
    }

    private static async Task<byte[]> ReadAsync(TcpClient client, int count)
    {
        var buffer = new byte[count];
        await client.GetStream().ReadExactlyAsync(buffer).AsTask().WaitAsync(TestTimeout);
        return buffer;
    }

    // The server half-closes after its refusal, so the refusal is everything up to end of stream.
    private static async Task<byte[]> ReadToEndAsync(TcpClient client)
    {
        using var received = new MemoryStream();
        await client.GetStream().CopyToAsync(received).WaitAsync(TestTimeout);
        return received.ToArray();
    }
}
