using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// What Debian 12's stock viewers show their users when a server refuses them with a reason, in each of
/// RFC 6143's forms, against <see cref="ScriptedRfbServer"/>. The tunnel must pick a form every viewer
/// shows; these tests are the evidence, and the helpers can be pointed at the real tunnel later.
/// </summary>
public sealed class ViewerRefusalTests
{
    private const string Reason = "VM 'db01' is Halted";
    private const string Password = "secret";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(90);

    // --- (c) SecurityResult failed after None: the form the tunnel is expected to use ---

    [Fact]
    public async Task TigerVnc_FailedResultAfterNone_ShowsTheReasonInItsDialogAndLog()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterNone, Reason);

        var shown = await StockViewers.ShownFailureAsync(StockViewer.TigerVnc, server.Host, server.Port, null, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(shown.Shows("Authentication failure: " + Reason), $"{shown}\n{server}");
        Assert.Contains("CConn:       Authentication failure: " + Reason, shown.DebugLog);
        AssertOneSession(server, "RFB 003.008", chose: 1);
    }

    [Fact]
    public async Task GvncViewer_FailedResultAfterNone_PrintsTheReasonAndExits()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterNone, Reason);

        var shown = await StockViewers.ShownFailureAsync(StockViewer.GvncViewer, server.Host, server.Port, null, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(shown.Shows($"Authentication failed '{Reason}'"), $"{shown}\n{server}");
        AssertOneSession(server, "RFB 003.008", chose: 1);
    }

    [Fact]
    public async Task GvncCapture_FailedResultAfterNone_PrintsOnlyUnableToConnect_TheReasonIsInItsDebugLog()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterNone, Reason);

        var shown = await StockViewers.ShownFailureAsync(StockViewer.GvncCapture, server.Host, server.Port, null, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.Equal($"Unable to connect to {server.Host}:{server.Port - VncClients.FirstDisplayPort}", shown.Text.Trim());
        Assert.Contains("Fail " + Reason, shown.DebugLog);
        AssertOneSession(server, "RFB 003.008", chose: 1);
    }

    [Fact]
    public async Task Remmina_FailedResultAfterNone_ShowsTheReasonInItsInfoBar()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterNone, Reason);

        var shown = await StockViewers.ShownFailureAsync(StockViewer.Remmina, server.Host, server.Port, null, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(shown.Shows("VNC connection failed: " + Reason), $"{shown}\n{server}");
        AssertOneSession(server, "RFB 003.008", chose: 1);
    }

    [Fact]
    public async Task VncSnapshot_FailedResultAfterNone_RepliesRfb33_SoNoReasonCanReachIt()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterNone, Reason);

        var shown = await StockViewers.ShownFailureAsync(StockViewer.VncSnapshot, server.Host, server.Port, null, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.False(shown.Shows(Reason), $"{shown}\n{server}");
        Assert.Contains("VNC server supports protocol version 3.8 (viewer 3.3)", shown.Text);
        AssertOneSession(server, "RFB 003.003", chose: null);
    }

    [Fact]
    public async Task VncSnapshot_SecurityTypeZero_PrintsTheReason()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.SecurityTypeZero, Reason);

        var shown = await StockViewers.ShownFailureAsync(StockViewer.VncSnapshot, server.Host, server.Port, null, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(shown.Shows("VNC connection failed: " + Reason), $"{shown}\n{server}");
    }

    // --- every viewer × form: the table the tunnel's choice rests on ---

    public static TheoryData<StockViewer, RfbRefusal, bool> Forms => new()
    {
        { StockViewer.TigerVnc, RfbRefusal.SecurityTypeZero, false },
        { StockViewer.TigerVnc, RfbRefusal.NoSecurityTypes, true },
        { StockViewer.TigerVnc, RfbRefusal.FailedResultAfterVncAuth, true },
        { StockViewer.GvncViewer, RfbRefusal.SecurityTypeZero, false },
        { StockViewer.GvncViewer, RfbRefusal.NoSecurityTypes, false },
        { StockViewer.GvncViewer, RfbRefusal.FailedResultAfterVncAuth, true },
        { StockViewer.GvncCapture, RfbRefusal.SecurityTypeZero, false },
        { StockViewer.GvncCapture, RfbRefusal.NoSecurityTypes, false },
        { StockViewer.VncSnapshot, RfbRefusal.FailedResultAfterVncAuth, false },
        { StockViewer.Remmina, RfbRefusal.SecurityTypeZero, false },
        { StockViewer.Remmina, RfbRefusal.NoSecurityTypes, true },
        { StockViewer.Remmina, RfbRefusal.FailedResultAfterVncAuth, false },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Viewer_RefusedInOneForm_ShowsTheReasonOnlyWhereKnownTo(StockViewer viewer, RfbRefusal refusal, bool shows)
    {
        await using var server = ScriptedRfbServer.Start(refusal, Reason);
        var password = refusal == RfbRefusal.FailedResultAfterVncAuth ? Password : null;

        var shown = await StockViewers.ShownFailureAsync(viewer, server.Host, server.Port, password, CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(shown.Shows(Reason) == shows, $"expected the reason {(shows ? "shown" : "not shown")}; {shown}\n{server}");
        if (password is not null)
        {
            // The viewer really answered with the password it was given, so a failure is the server's refusal.
            var session = server.Sessions[0];
            Assert.Equal(VncAuthentication.Response(Password, ScriptedRfbServer.Challenge), session.VncAuthResponse);
        }
    }

    [Fact]
    public async Task Remmina_FailedResultAfterVncAuth_AsksForThePasswordAgainInsteadOfShowingTheReason()
    {
        await using var server = ScriptedRfbServer.Start(RfbRefusal.FailedResultAfterVncAuth, Reason);
        await using var remmina = await RemminaViewer.StartAsync(server.Host, server.Port, Password, CancellationToken.None).WaitAsync(TestTimeout);

        var shown = await remmina.ShownFailureAsync(CancellationToken.None).WaitAsync(TestTimeout);

        Assert.True(shown.Shows("Enter VNC password"), $"{shown}\n{server}");
        Assert.Contains("VNC connection failed: " + Reason, remmina.Log);
    }

    private static void AssertOneSession(ScriptedRfbServer server, string version, byte? chose)
    {
        var session = Assert.Single(server.Sessions);
        Assert.Equal(version, session.ClientVersion);
        Assert.Equal(chose, session.ChosenSecurityType);
    }
}
