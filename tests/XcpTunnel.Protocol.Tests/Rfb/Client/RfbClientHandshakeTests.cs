using System.Security.Cryptography;
using System.Text;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.Client.RfbClientTestSupport;

namespace XcpTunnel.Protocol.Tests.Rfb.Client;

public sealed class RfbClientHandshakeTests
{
    private static readonly byte[] ExpectedSetup =
    [
        0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0,
        2, 0, 0, 5, 0, 0, 0, 16, 0, 0, 0, 5, 0, 0, 0, 1, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x21,
    ];

    [Fact]
    public async Task Connect_Rfb38None_RepliesSharedAndAsksForRgb888AndEncodings()
    {
        var stream = new ScriptedStream(new ChunkedStream(RfbServerScript.Handshake38(800, 600, "QEMU (web01)")));

        await using var client = await RfbClient.ConnectAsync(stream, Options, CancellationToken.None).Bounded();

        Assert.Equal(new RfbServerInit(800, 600, RfbPixelFormat.Rgb888, "QEMU (web01)"), client.ServerInit);
        Assert.Equal(RfbProtocolVersion.V3_8, client.Version);
        Assert.Equal(RfbSecurityType.None, client.SecurityType);
        byte[] expected = [.. "RFB 003.008\n"u8, 1, 1, .. ExpectedSetup];
        Assert.Equal(expected, stream.Written.ToArray());
    }

    [Theory]
    [InlineData("RFB 003.003\n", "RFB 003.003\n")]
    [InlineData("RFB 003.889\n", "RFB 003.008\n")]
    [InlineData("RFB 003.007\n", "RFB 003.007\n")]
    [InlineData("RFB 004.001\n", "RFB 003.008\n")]
    public async Task Connect_ServerVersion_RepliesWithMinOfServerAnd38(string offered, string reply)
    {
        var version = RfbProtocolVersion.Parse(Encoding.ASCII.GetBytes(reply));
        var s = new RfbServerScript().Ascii(offered);
        if (version.UsesVersion33Handshake)
        {
            s.U32(1);
        }
        else
        {
            s.U8(1).U8(1);
            if (version == RfbProtocolVersion.V3_8)
            {
                s.U32(0);
            }
        }

        var stream = new ScriptedStream(new ChunkedStream(s.ServerInit(640, 384, "XenServer Virtual Terminal").ToArray()));

        await using var client = await RfbClient.ConnectAsync(stream, Options, CancellationToken.None).Bounded();

        byte[] written = stream.Written.ToArray();
        Assert.Equal(reply, Encoding.ASCII.GetString(written, 0, 12));
        // ClientInit shared-flag 1 comes right after the security handshake.
        Assert.Equal(1, written[12 + (version.UsesVersion33Handshake ? 0 : 1)]);
        Assert.Equal(640, client.Width);
    }

    [Fact]
    public async Task Connect_WithObserver_ReportsEachHandshakeStageInOrder()
    {
        var stream = new ScriptedStream(new ChunkedStream(RfbServerScript.Handshake38(1, 1)));
        var stages = new RecordingStageObserver();

        await using var client = await RfbClient.ConnectAsync(stream, Options with { StageObserver = stages }, CancellationToken.None).Bounded();

        Assert.Equal(["+rfb_version", "-rfb_version", "+security", "-security", "+server_init", "-server_init"], stages.Events);
    }

    [Fact]
    public async Task Connect_FailureGreeting_ThrowsAuthenticationWithTheServersReason()
    {
        byte[] server = new RfbServerScript().Ascii("RFB 003.008\n").U8(0).U32(9).Ascii("go away!!").ToArray();

        var error = await Assert.ThrowsAsync<RfbAuthenticationException>(
            () => RfbClient.ConnectAsync(new ScriptedStream(new ChunkedStream(server)), Options, CancellationToken.None)).Bounded();

        Assert.Contains("go away!!", error.Message);
    }

    [Fact]
    public async Task Connect_VncAuthWithoutPassword_ThrowsAuthentication()
    {
        byte[] server = new RfbServerScript().Ascii("RFB 003.008\n").U8(1).U8(2).ToArray();

        await Assert.ThrowsAsync<RfbAuthenticationException>(
            () => RfbClient.ConnectAsync(new ScriptedStream(new ChunkedStream(server)), Options, CancellationToken.None)).Bounded();
    }

    [Fact]
    public async Task Connect_SilentServer_TimesOutPerRead()
    {
        await using var pair = await LoopbackPair.CreateAsync(CancellationToken.None).Bounded();
        var options = Options with { MessageTimeout = TimeSpan.FromMilliseconds(200) };

        var error = await Assert.ThrowsAsync<TimeoutException>(() => RfbClient.ConnectAsync(pair.Near, options, CancellationToken.None)).Bounded();

        Assert.Contains("ProtocolVersion", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReadFull_ServerFallsSilentMidUpdate_TimesOut()
    {
        await using var pair = await LoopbackPair.CreateAsync(CancellationToken.None).Bounded();
        await pair.Far.WriteAsync(RfbServerScript.Handshake38(4, 4));
        var options = Options with { MessageTimeout = TimeSpan.FromMilliseconds(200) };
        await using var client = await RfbClient.ConnectAsync(pair.Near, options, CancellationToken.None).Bounded();
        await pair.Far.WriteAsync(new RfbServerScript().Update(1).Rectangle(0, 0, 4, 4, 0).Pixel(1).ToArray());

        await Assert.ThrowsAsync<TimeoutException>(() => client.ReadFullFramebufferAsync(CancellationToken.None)).Bounded();
    }

    // --- VNC Authentication against a scripted server on loopback ---

    /// <summary>The RFC 6143 §7.2.2 response, computed here without the client's code: DES-ECB, key bits mirrored.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "VNC Authentication is DES by definition.")]
    private static byte[] ExpectedResponse(string password, byte[] challenge)
    {
        byte[] key = new byte[8];
        Encoding.ASCII.GetBytes(password).AsSpan(0, Math.Min(8, password.Length)).CopyTo(key);
        for (int i = 0; i < 8; i++)
        {
            int mirrored = 0;
            for (int bit = 0; bit < 8; bit++)
            {
                if ((key[i] & (1 << bit)) != 0)
                {
                    mirrored |= 0x80 >> bit;
                }
            }

            key[i] = (byte)mirrored;
        }

        using var des = DES.Create();
        des.Key = key;
        return des.EncryptEcb(challenge, PaddingMode.None);
    }

    private static async Task<byte[]> ServeVncAuthAsync(Stream server, byte[] challenge, bool accept)
    {
        await server.WriteAsync("RFB 003.008\n"u8.ToArray());
        byte[] version = new byte[12];
        await server.ReadExactlyAsync(version);
        await server.WriteAsync(new byte[] { 1, 2 });
        byte[] choice = new byte[1];
        await server.ReadExactlyAsync(choice);
        Assert.Equal(2, choice[0]);
        await server.WriteAsync(challenge);
        byte[] response = new byte[16];
        await server.ReadExactlyAsync(response);
        if (accept)
        {
            await server.WriteAsync(new RfbServerScript().U32(0).ServerInit(2, 2, "auth").ToArray());
            byte[] shared = new byte[1];
            await server.ReadExactlyAsync(shared);
            Assert.Equal(1, shared[0]);
        }
        else
        {
            await server.WriteAsync(new RfbServerScript().U32(1).U32(21).Ascii("Authentication failed").ToArray());
        }

        return response;
    }

    [Fact]
    public async Task Connect_VncAuthentication_SendsTheDesResponseToTheChallenge()
    {
        await using var pair = await LoopbackPair.CreateAsync(CancellationToken.None).Bounded();
        byte[] challenge = Enumerable.Range(0, 16).Select(i => (byte)((i * 37) + 11)).ToArray();
        Task<byte[]> server = ServeVncAuthAsync(pair.Far, challenge, accept: true);
        var options = Options with { Password = new RfbPassword("s3cr3t!longer-than-8") };

        await using var client = await RfbClient.ConnectAsync(pair.Near, options, CancellationToken.None).Bounded();

        Assert.Equal(ExpectedResponse("s3cr3t!l", challenge), await server.Bounded());
        Assert.Equal(RfbSecurityType.VncAuthentication, client.SecurityType);
        Assert.Equal("auth", client.ServerInit.Name);
    }

    [Fact]
    public async Task Connect_VncAuthenticationRejected_ThrowsWithTheServersReason()
    {
        await using var pair = await LoopbackPair.CreateAsync(CancellationToken.None).Bounded();
        Task<byte[]> server = ServeVncAuthAsync(pair.Far, new byte[16], accept: false);
        var options = Options with { Password = new RfbPassword("wrong") };

        var error = await Assert.ThrowsAsync<RfbAuthenticationException>(() => RfbClient.ConnectAsync(pair.Near, options, CancellationToken.None)).Bounded();

        Assert.Contains("Authentication failed", error.Message);
        await server.Bounded();
    }

    [Fact]
    public void Password_ToString_IsRedacted()
    {
        Assert.DoesNotContain("hunter2", new RfbPassword("hunter2").ToString());
        Assert.DoesNotContain("hunter2", (Options with { Password = new RfbPassword("hunter2") }).ToString());
    }

    [Fact]
    public void Framebuffer_Helpers_FindSingleAndDominantColours()
    {
        var mixed = new RfbFramebuffer(2, 2, [5, 7, 7, 9]);
        var plain = new RfbFramebuffer(1, 2, [3, 3]);

        Assert.False(mixed.IsSingleColour(out _));
        Assert.Equal(7u, mixed.DominantColour());
        Assert.True(plain.IsSingleColour(out uint colour));
        Assert.Equal(3u, colour);
    }
}
