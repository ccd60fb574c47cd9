using System.Net;
using System.Net.Sockets;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>The small pieces of the viewer and ssh harness that need no peer: checked against known values.</summary>
public sealed class PeerHelpersTests
{
    [Theory]
    [InlineData("Authentication failure: VM 'dbO1' is Halted", "VM 'db01' is Halted")]
    [InlineData("VNC connection failed: VM ‘db01’ is\nHalted", "VM 'db01' is Halted")]
    [InlineData("user “bob” may not open tunnel centos", "user 'bob' may not open tunnel 'centos'")]
    [InlineData("Hostname (127.0.0.1) does not match", "Hostname (127.0.0.1) does not match")]
    public void ScreenText_OcrConfusions_StillShowTheText(string screen, string expected)
    {
        Assert.True(ScreenText.Shows(screen, expected), $"'{ScreenText.Fold(screen)}' lacks '{ScreenText.Fold(expected)}'");
    }

    [Theory]
    [InlineData("VNC connection failed: ", "VM 'db01' is Halted")]
    [InlineData("VM 'db02' is Halted", "VM 'db01' is Halted")]
    public void ScreenText_OtherText_DoesNotShowIt(string screen, string expected)
    {
        Assert.False(ScreenText.Shows(screen, expected));
    }

    [Fact]
    public void VncAuthentication_Response_MatchesWhatTigerVncAndVncSnapshotSent()
    {
        // Both viewers answered this to the challenge 00 01 … 0f with the password "secret".
        var challenge = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

        Assert.Equal(Convert.FromHexString("ee22539f33a5983ec12f9c2edbc995dd"), VncAuthentication.Response("secret", challenge));
    }

    [Fact]
    public void RemminaProfile_EncryptPassword_MatchesWhatRemminaDecrypted()
    {
        // Remmina 1.4.29 read this profile password with this secret and answered VNC Authentication with "secret".
        var secret = Convert.FromBase64String("/qXr0UXmYJkfOspjs7sDL4BO/pV7JqnqdhjMH+QgzA8=");

        Assert.Equal("OYvbAuwuvaQ=", RemminaProfile.EncryptPassword(secret, "secret"));
    }

    [Fact]
    public void SplitGLibDebug_KeepsDebugMessagesAndTheirContinuationLinesApart()
    {
        var output = string.Join('\n',
            "(gvnccapture:1): gtk-vnc-DEBUG: 04:16:21.542: ../src/vncconnection.c Read pixel format",
            "                  Mask  red: 25136",
            "Unable to connect to 127.0.0.1:77",
            string.Empty,
            "(gvnccapture:1): gtk-vnc-DEBUG: 04:16:21.542: ../src/vncconnection.c Fail VM 'db01' is Halted");

        var (shown, debug) = VncClients.SplitGLibDebug(output, "gtk-vnc-DEBUG");

        Assert.Equal("Unable to connect to 127.0.0.1:77", shown);
        Assert.Contains("Mask  red", debug);
        Assert.Contains("Fail VM 'db01' is Halted", debug);
    }

    [Fact]
    public void TcpSockets_IsListeningOnLoopback_SeesAListenerWithoutConnecting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        Assert.True(TcpSockets.IsListeningOnLoopback(port));
        listener.Stop();
        Assert.False(TcpSockets.IsListeningOnLoopback(port));
    }

    [Fact]
    public void TigerVncOptions_PassOnlyWhatIsSet_InTheViewersSpelling()
    {
        Assert.Empty(TigerVncOptions.None.Arguments());
        Assert.Equal(
            ["-passwd", "/p", "-SecurityTypes", "X509Vnc,X509None", "-X509CA", "/ca.pem"],
            new TigerVncOptions { PasswordFile = "/p", SecurityTypes = ["X509Vnc", "X509None"], X509CA = "/ca.pem" }.Arguments());
    }
}
