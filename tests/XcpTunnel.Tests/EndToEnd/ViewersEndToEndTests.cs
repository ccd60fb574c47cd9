using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using XcpTunnel.Simulator;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.EndToEnd;

/// <summary>
/// Debian's stock viewers through the real <c>serve</c>: each shows its user why a halted VM's console cannot
/// open; TigerVNC's viewer gets the desktop with a VNC password file, is refused with a wrong one, and gets it
/// over VeNCrypt (X509Vnc) with the tunnel's certificate checked against a CA.
/// </summary>
public sealed class ViewersEndToEndTests
{
    private const string Halted = "VM 'db01' is Halted";
    private const string Password = "tiger123";
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(120);
    private static readonly RgbColour Teal = RgbColour.Parse("#008080");

    [Fact]
    public async Task HaltedVm_EveryStockViewerShowsTheReason()
    {
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("db01", powerState: SimulatedPowerState.Halted);
        var port = 0;
        await using var serve = await ServeProcess.StartAsync(
            () => lab.WriteConfig(Config(lab, new JsonObject { ["Listen"] = $"127.0.0.1:{port = TestPorts.Free()}", ["Pool"] = "lab", ["Vm"] = "db01" })),
            ["db01"]);

        ShownFailure Show(StockViewer viewer) =>
            StockViewers.ShownFailureAsync(viewer, "127.0.0.1", port, null, CancellationToken.None).WaitAsync(TestTimeout).GetAwaiter().GetResult();

        var tiger = Show(StockViewer.TigerVnc);
        Assert.True(tiger.Shows("Authentication failure: " + Halted), tiger.ToString());
        var gvncviewer = Show(StockViewer.GvncViewer);
        Assert.True(gvncviewer.Shows($"Authentication failed '{Halted}'"), gvncviewer.ToString());
        // gvnccapture, a one-shot tool, prints only "Unable to connect"; gtk-vnc received the reason, its debug log shows it.
        var gvnccapture = Show(StockViewer.GvncCapture);
        Assert.Contains("Fail " + Halted, gvnccapture.DebugLog, StringComparison.Ordinal);
        // vncsnapshot speaks RFB 3.3 only: the reason comes as security type 0.
        var vncsnapshot = Show(StockViewer.VncSnapshot);
        Assert.True(vncsnapshot.Shows("VNC connection failed: " + Halted), vncsnapshot.ToString());
        var remmina = Show(StockViewer.Remmina);
        Assert.True(remmina.Shows("VNC connection failed: " + Halted), remmina.ToString());
    }

    [Fact]
    public async Task TigerVnc_WithTheVncPasswordFile_SeesTheDesktop_WithAWrongOne_IsRefused()
    {
        using var files = TemporaryDirectory.Create("xcptunnel-e2e-vncauth-");
        var right = await VncPasswordFile.CreateAsync(files, Password, CancellationToken.None).WaitAsync(TestTimeout);
        using var wrongFiles = TemporaryDirectory.Create("xcptunnel-e2e-vncauth-wrong-");
        var wrong = await VncPasswordFile.CreateAsync(wrongFiles, "guess", CancellationToken.None).WaitAsync(TestTimeout);
        await using var xvnc = await XvncServer.StartAsync(Teal, 640, 480, CancellationToken.None).WaitAsync(TestTimeout);
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.Tcp(xvnc.Host, xvnc.Port));
        var port = 0;
        // The tunnel reads the very file vncpasswd wrote for the viewer.
        await using var serve = await ServeProcess.StartAsync(
            () => lab.WriteConfig(Config(lab, new JsonObject
            {
                ["Listen"] = $"127.0.0.1:{port = TestPorts.Free()}", ["Pool"] = "lab", ["Vm"] = "web01", ["VncPasswordFile"] = right,
            })),
            ["web01"]);

        await using (var viewer = await TigerVncViewer.StartAsync("127.0.0.1", port, new TigerVncOptions { PasswordFile = right }, CancellationToken.None))
        {
            await viewer.WaitForDesktopAsync(Teal, xvnc.Width, xvnc.Height, () => serve.Process.StandardOutput + serve.Process.StandardError, CancellationToken.None).WaitAsync(TestTimeout);
            Assert.Contains("Choosing security type VncAuth(2)", viewer.Log, StringComparison.Ordinal);
        }

        await using (var viewer = await TigerVncViewer.StartAsync("127.0.0.1", port, new TigerVncOptions { PasswordFile = wrong }, CancellationToken.None))
        {
            var shown = await viewer.ShownFailureAsync(CancellationToken.None).WaitAsync(TestTimeout);
            Assert.True(shown.Shows("Authentication failure: wrong VNC password"), shown.ToString());
        }

        Assert.Equal(1, lab.Pool.Counters.Connects);
    }

    [Fact]
    public async Task TigerVnc_X509Vnc_ChecksTheTunnelsCertificateAndSeesTheDesktop()
    {
        using var files = TemporaryDirectory.Create("xcptunnel-e2e-vencrypt-");
        using var ca = TestCertificates.CreateAuthority("XcpTunnel viewer CA");
        using var certificate = TestCertificates.Issue(ca, "xcptunnel", "127.0.0.1");
        var caFile = files.File("ca.pem");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        var certificateFile = files.File("tunnel.pem");
        await File.WriteAllTextAsync(certificateFile, certificate.ExportCertificatePem());
        var keyFile = files.File("tunnel.key");
        await File.WriteAllTextAsync(keyFile, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var password = await VncPasswordFile.CreateAsync(files, Password, CancellationToken.None).WaitAsync(TestTimeout);
        await using var xvnc = await XvncServer.StartAsync(Teal, 640, 480, CancellationToken.None).WaitAsync(TestTimeout);
        await using var lab = await CliPool.StartAsync();
        lab.Pool.AddVm("web01", backend: ConsoleBackend.Tcp(xvnc.Host, xvnc.Port));
        var port = 0;
        await using var serve = await ServeProcess.StartAsync(
            () => lab.WriteConfig(Config(lab, new JsonObject
            {
                ["Listen"] = $"127.0.0.1:{port = TestPorts.Free()}",
                ["Pool"] = "lab",
                ["Vm"] = "web01",
                ["VncPasswordFile"] = password,
                ["ViewerTls"] = new JsonObject { ["CertificateFile"] = certificateFile, ["KeyFile"] = keyFile },
            })),
            ["web01"]);

        var options = new TigerVncOptions { PasswordFile = password, SecurityTypes = ["X509Vnc"], X509CA = caFile };
        await using var viewer = await TigerVncViewer.StartAsync("127.0.0.1", port, options, CancellationToken.None);

        await viewer.WaitForDesktopAsync(Teal, xvnc.Width, xvnc.Height, () => serve.Process.StandardOutput + serve.Process.StandardError, CancellationToken.None).WaitAsync(TestTimeout);
        Assert.Contains("Choosing security type X509Vnc (261)", viewer.Log, StringComparison.Ordinal);
    }

    private static JsonObject Config(CliPool lab, JsonObject tunnel) => new()
    {
        ["Pools"] = new JsonObject { ["lab"] = lab.PoolEntry() },
        ["Tunnels"] = new JsonObject { [tunnel["Vm"]!.GetValue<string>()] = tunnel },
    };
}
