using System.Text;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Protocol.Rfb.Server;
using XcpTunnel.Protocol.Tests.Support;
using static XcpTunnel.Protocol.Tests.Rfb.RfbTestMessages;

namespace XcpTunnel.Protocol.Tests.Rfb.Server;

/// <summary>The tunnel's side of the RFB handshake with a viewer, byte by byte, for each version a viewer may pick.</summary>
public sealed class RfbViewerHandshakeTests
{
    private const string Halted = "VM 'db01' is Halted";

    [Theory]
    [InlineData("RFB 003.003\n", 3, 3)]
    [InlineData("RFB 003.007\n", 3, 7)]
    [InlineData("RFB 003.008\n", 3, 8)]
    [InlineData("RFB 003.005\n", 3, 5)]
    public async Task Greet_Sends38_AndKeepsTheVersionTheViewerPicks(string reply, int major, int minor)
    {
        await using var script = await ViewerScript.StartAsync();

        await script.GreetAsync(reply);

        Assert.Equal(new RfbProtocolVersion(major, minor), script.Handshake.Version);
    }

    [Fact]
    public async Task Greet_VersionOneByteAtATime_IsReadWhole()
    {
        await using var script = await ViewerScript.StartAsync();
        var greeting = script.Handshake.GreetAsync(CancellationToken.None);
        await script.ReadAsync(12);

        foreach (byte b in Ascii("RFB 003.007\n"))
        {
            await script.SendAsync(b);
        }

        await greeting.Bounded();
        Assert.Equal(RfbProtocolVersion.V3_7, script.Handshake.Version);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\n")]
    [InlineData("RFB 003.009\n")]
    [InlineData("RFB 004.000\n")]
    public async Task Greet_GarbageOrAVersionAbove38_IsAViewerProtocolError(string reply)
    {
        await using var script = await ViewerScript.StartAsync();

        var error = await Assert.ThrowsAsync<RfbViewerException>(() => script.GreetAsync(reply[..12]));

        Assert.Equal(RfbViewerFailure.ProtocolError, error.Failure);
    }

    [Fact]
    public async Task Greet_SilentViewer_TimesOutAfterTheMessageTimeout()
    {
        await using var script = await ViewerScript.StartAsync();
        var greeting = script.Handshake.GreetAsync(CancellationToken.None);
        await script.ReadAsync(12);

        var moved = await script.AdvanceUntilDoneAsync(greeting, TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<RfbViewerException>(() => greeting);
        Assert.Equal(RfbViewerFailure.TimedOut, error.Failure);
        Assert.Equal("the viewer sent no RFB ProtocolVersion within 10 s", error.Message);
        Assert.True(moved >= ViewerScript.Options.MessageTimeout, $"gave up after {moved}");
    }

    [Fact]
    public async Task None38_OffersNoneThenAdmitSendsSecurityResultOkAndReadsClientInit()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.008\n");
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);
        Assert.Equal([1, 1], await script.ReadAsync(2));
        await script.SendAsync(1);
        await authenticate.Bounded();

        var admit = script.Handshake.AdmitAsync(CancellationToken.None);
        Assert.Equal(0u, await script.ReadU32Async());
        await script.SendAsync(1);

        Assert.True(await admit.Bounded());
    }

    [Fact]
    public async Task None37_SendsNothingUntilTheVerdict_ThenTheListAndNoSecurityResult()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.007\n");
        await script.Handshake.AuthenticateAsync(CancellationToken.None).Bounded();

        var admit = script.Handshake.AdmitAsync(CancellationToken.None);
        Assert.Equal([1, 1], await script.ReadAsync(2));
        await script.SendAsync(1, 0);

        Assert.False(await admit.Bounded());
    }

    [Fact]
    public async Task None33_SendsNothingUntilTheVerdict_ThenSecurityTypeNone()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.003\n");
        await script.Handshake.AuthenticateAsync(CancellationToken.None).Bounded();

        var admit = script.Handshake.AdmitAsync(CancellationToken.None);
        Assert.Equal(1u, await script.ReadU32Async());
        await script.SendAsync(1);

        Assert.True(await admit.Bounded());
    }

    [Theory]
    [InlineData("RFB 003.003\n", new byte[] { 0, 0, 0, 0 })]
    [InlineData("RFB 003.007\n", new byte[] { 0 })]
    public async Task RefuseBeforeAnything_33And37_TheReasonTakesThePlaceOfTheSecurityTypes(string version, byte[] header)
    {
        await using var script = await ViewerScript.StartAsync();
        var refuse = script.Handshake.RefuseAsync(Halted, CancellationToken.None);
        await script.ReadAsync(12);
        await script.SendAsync(Ascii(version));

        byte[] expected = [.. header, .. Reason(Halted)];
        Assert.Equal(expected, await script.ReadAsync(header.Length + 4 + Halted.Length));
        Assert.True(await refuse.Bounded());
    }

    [Fact]
    public async Task RefuseBeforeAnything_38_OffersNoneThenFailsTheSecurityResultWithTheReason()
    {
        // gtk-vnc misreads "zero security types + reason"; every viewer reads this form.
        await using var script = await ViewerScript.StartAsync();
        var refuse = script.Handshake.RefuseAsync(Halted, CancellationToken.None);
        await script.ReadAsync(12);
        await script.SendAsync(Ascii("RFB 003.008\n"));

        Assert.Equal([1, 1], await script.ReadAsync(2));
        await script.SendAsync(1);
        byte[] expected = [.. U32(1), .. Reason(Halted)];
        Assert.Equal(expected, await script.ReadAsync(8 + Halted.Length));
        Assert.True(await refuse.Bounded());
    }

    [Theory]
    [InlineData("RFB 003.003\n", new byte[] { 0, 0, 0, 0 })]
    [InlineData("RFB 003.007\n", new byte[] { 0 })]
    [InlineData("RFB 003.008\n", new byte[] { 0, 0, 0, 1 })]
    public async Task RefuseAfterSecurity_None_EachVersionHearsTheReason(string version, byte[] header)
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync(version);
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);
        if (version.EndsWith("8\n", StringComparison.Ordinal))
        {
            await script.ReadAsync(2);
            await script.SendAsync(1);
        }

        await authenticate.Bounded();

        Assert.True(await script.Handshake.RefuseAsync(Halted, CancellationToken.None).Bounded());
        byte[] expected = [.. header, .. Reason(Halted)];
        Assert.Equal(expected, await script.ReadAsync(header.Length + 4 + Halted.Length));
    }

    [Fact]
    public async Task VncAuthentication_RightPassword_AdmitsAfterTheChallenge()
    {
        var password = new RfbPassword("s3cret!");
        await using var script = await ViewerScript.StartAsync(RfbViewerSecurity.VncAuthentication(password));
        await script.GreetAsync("RFB 003.008\n");
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);
        Assert.Equal([1, 2], await script.ReadAsync(2));
        await script.SendAsync(2);
        var challenge = await script.ReadAsync(16);
        await script.SendAsync(RfbVncAuthentication.Respond(password, challenge));
        await authenticate.Bounded();

        var admit = script.Handshake.AdmitAsync(CancellationToken.None);
        Assert.Equal(0u, await script.ReadU32Async());
        await script.SendAsync(1);
        Assert.True(await admit.Bounded());
    }

    [Fact]
    public async Task VncAuthentication_ChallengesDiffer()
    {
        var security = RfbViewerSecurity.VncAuthentication(new RfbPassword("pw"));
        List<byte[]> challenges = [];
        for (int i = 0; i < 2; i++)
        {
            await using var script = await ViewerScript.StartAsync(security);
            await script.GreetAsync("RFB 003.003\n");
            _ = script.Handshake.AuthenticateAsync(CancellationToken.None);
            Assert.Equal(2u, await script.ReadU32Async());
            challenges.Add(await script.ReadAsync(16));
        }

        Assert.NotEqual(challenges[0], challenges[1]);
    }

    [Fact]
    public async Task VncAuthentication_WrongPassword_ToldAfterTheDelay()
    {
        await using var script = await ViewerScript.StartAsync(RfbViewerSecurity.VncAuthentication(new RfbPassword("s3cret!")));
        await script.GreetAsync("RFB 003.008\n");
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);
        await script.ReadAsync(2);
        await script.SendAsync(2);
        var challenge = await script.ReadAsync(16);
        await script.SendAsync(RfbVncAuthentication.Respond(new RfbPassword("guess"), challenge));

        var moved = await script.AdvanceUntilDoneAsync(authenticate, TimeSpan.FromMilliseconds(250));

        var error = await Assert.ThrowsAsync<RfbViewerException>(() => authenticate);
        Assert.Equal(RfbViewerFailure.AuthenticationFailed, error.Failure);
        Assert.True(moved >= ViewerScript.Options.FailedPasswordDelay, $"told after {moved}");
        byte[] expected = [.. U32(1), .. Reason("wrong VNC password")];
        Assert.Equal(expected, await script.ReadAsync(8 + "wrong VNC password".Length));
    }

    [Fact]
    public async Task ViewerLeavesWhileAwaitingTheVerdict_ViewerGoneIsCancelled()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.003\n");
        await script.Handshake.AuthenticateAsync(CancellationToken.None).Bounded();

        script.Pair.Far.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);

        await Task.Delay(Timeout.Infinite, script.Handshake.ViewerGone).ContinueWith(_ => { }, TaskScheduler.Default).Bounded();
        Assert.True(script.Handshake.ViewerGone.IsCancellationRequested);
    }

    [Fact]
    public async Task ViewerSpeaksEarly_ItsByteIsKeptForClientInit()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.003\n");
        await script.Handshake.AuthenticateAsync(CancellationToken.None).Bounded();
        await script.SendAsync(0);

        var admit = script.Handshake.AdmitAsync(CancellationToken.None);

        Assert.Equal(1u, await script.ReadU32Async());
        Assert.False(await admit.Bounded());
        Assert.False(script.Handshake.ViewerGone.IsCancellationRequested);
    }

    [Fact]
    public async Task ChoiceNotOffered_IsAViewerProtocolError()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.008\n");
        var authenticate = script.Handshake.AuthenticateAsync(CancellationToken.None);
        await script.ReadAsync(2);

        await script.SendAsync(2);

        var error = await Assert.ThrowsAsync<RfbViewerException>(() => authenticate).Bounded();
        Assert.Equal(RfbViewerFailure.ProtocolError, error.Failure);
    }

    [Fact]
    public async Task Admit_AfterTheVerdictWasGiven_IsAProgrammingError()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.003\n");
        await script.Handshake.AuthenticateAsync(CancellationToken.None).Bounded();
        await script.Handshake.RefuseAsync(Halted, CancellationToken.None).Bounded();

        await Assert.ThrowsAsync<InvalidOperationException>(() => script.Handshake.AdmitAsync(CancellationToken.None));
        Assert.False(await script.Handshake.RefuseAsync("again", CancellationToken.None).Bounded());
    }

    [Fact]
    public async Task RelayServerInit_ReachesTheAdmittedViewerAsIs()
    {
        await using var script = await ViewerScript.StartAsync();
        await script.GreetAsync("RFB 003.003\n");
        await script.Handshake.AuthenticateAsync(CancellationToken.None).Bounded();
        var admit = script.Handshake.AdmitAsync(CancellationToken.None);
        await script.ReadU32Async();
        await script.SendAsync(1);
        await admit.Bounded();
        byte[] serverInit = [0, 1, 0, 1, .. new byte[16], .. Reason(Encoding.Latin1.GetBytes("n\xe9"))];

        await script.Handshake.RelayServerInitAsync(serverInit, CancellationToken.None).Bounded();

        Assert.Equal(serverInit, await script.ReadAsync(serverInit.Length));
    }
}
