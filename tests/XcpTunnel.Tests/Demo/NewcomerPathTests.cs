using System.Globalization;
using System.Net;
using System.Text.Json;
using XcpTunnel.Tests.Cli;
using XcpTunnel.Tests.EndToEnd;
using XcpTunnel.Tests.EndToEnd.Peers;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Demo;

/// <summary>
/// The README's newcomer path, followed to the letter: start <c>demo</c>, paste the lines it prints (vms, check,
/// probe, snapshot, connect), then <c>demo --pool-only</c> and the <c>serve</c> line it prints. Each answer is checked.
/// </summary>
public sealed class NewcomerPathTests
{
    private static readonly string[] DemoVms = ["db01", "pv-console", "web01"];

    [Fact]
    public async Task Newcomer_PastesThePrintedLines_EveryCommandWorksWithTheDemoPool()
    {
        using var home = TemporaryDirectory.Create("xcptunnel-newcomer-");
        var kept = home.File("demo");
        var firstPort = TestPorts.Free();
        await using var demo = await StartDemoAsync(firstPort, kept);
        var output = demo.Process.StandardOutput;
        var config = NewcomerPath.PrintedConfig(output);
        Assert.Equal(Path.Combine(kept, "xcptunnel.json"), config);
        AssertPrivate(kept);
        var password = (await File.ReadAllTextAsync(Path.Combine(kept, "demo.password"))).Trim();
        Assert.DoesNotContain(password, output + demo.Process.StandardError, StringComparison.Ordinal);

        // vms --json: the pool's three VMs, each mapped to the tunnel the demo runs for it.
        var vms = await RunPrintedAsync(home, [.. NewcomerPath.Printed(output, "vms"), "--json"], password);
        Assert.True(vms.ExitCode == 0, vms.Describe("vms failed"));
        using (var json = JsonDocument.Parse(vms.StandardOutput))
        {
            var rows = json.RootElement.EnumerateArray().ToList();
            Assert.Equal(DemoVms, rows.Select(r => r.GetProperty("name").GetString()));
            Assert.Equal(["Halted", "Running", "Running"], rows.Select(r => r.GetProperty("powerState").GetString()));
            var web = rows.Single(r => r.GetProperty("name").GetString() == "web01");
            Assert.Equal($"127.0.0.1:{firstPort}", web.GetProperty("tunnels")[0].GetProperty("listen").GetString());
        }

        // check: the pool and both running VMs pass; the halted one fails, as the printed comment says.
        var check = await RunPrintedAsync(home, NewcomerPath.Printed(output, "check"), password);
        Assert.Equal(1, check.ExitCode);
        var lines = check.StandardOutput.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("✓ pool demo: certificate of 127.0.0.1 verified by one of its pinned fingerprints", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ pool demo: logged in as root", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ tunnel web01 ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✓ tunnel pv-console ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("✗ tunnel db01 ", StringComparison.Ordinal) && l.EndsWith("VM 'db01' is Halted", StringComparison.Ordinal));
        Assert.Contains("1 problem found (5 checks passed).", check.StandardOutput, StringComparison.Ordinal);

        // probe, by tunnel name through XAPI and through the running tunnel: the picture arrives.
        foreach (var probe in new[] { NewcomerPath.Printed(output, "probe", w => w[1] == "web01"), NewcomerPath.Printed(output, "probe", w => w[1] != "web01") })
        {
            var result = await RunPrintedAsync(home, probe, password);
            // OK, or WARNING when a loaded machine made it slower than the 1 s threshold; never anything else.
            Assert.True(result.ExitCode is 0 or 1, result.Describe("probe failed"));
            Assert.Matches($"^XCPTUNNEL (OK|WARNING) - {probe[1]}: 800x600 \"QEMU \\(web01\\)\" in \\d+ ms", result.StandardOutput);
        }

        // snapshot: web01.png in the directory it was typed in, showing the test card.
        var snapshot = await RunPrintedAsync(home, NewcomerPath.Printed(output, "snapshot"), password);
        Assert.True(snapshot.ExitCode == 0, snapshot.Describe("snapshot failed"));
        Assert.Equal("wrote web01.png (800x600)\n", snapshot.StandardOutput);
        TestCard.AssertShowsTheBars(await NetPbm.DecodeAsync(home.File("web01.png"), CancellationToken.None).Bounded(), tolerance: 0, "the snapshot");

        // connect --once: its own tunnel, a stock viewer through it, then it exits 0.
        var connectWords = NewcomerPath.Printed(output, "connect");
        var connectPort = int.Parse(connectWords[Array.IndexOf(connectWords, "--listen") + 1].Split(':')[1], CultureInfo.InvariantCulture);
        await using (var connect = await ServeProcess.StartAsync(Printed(home, connectWords), o => o.Contains("Connect a VNC viewer to", StringComparison.Ordinal)))
        {
            Assert.Equal($"Connect a VNC viewer to 127.0.0.1:{connectPort} (VM web01)\n", connect.Process.StandardOutput);
            var seen = await VncClients.GvncCaptureAsync("127.0.0.1", connectPort, CancellationToken.None).Bounded();
            TestCard.AssertShowsTheBars(seen, tolerance: 0, "gvnccapture through connect");
            Assert.Equal(0, await connect.Process.WaitForExitAsync(CancellationToken.None).Bounded());
            Assert.DoesNotContain(password, connect.Process.StandardError, StringComparison.Ordinal);
        }

        Assert.Equal(0, await demo.StopAsync());
        Assert.True(File.Exists(config), "--config-out should keep the configuration");

        // serve: the daemon runs the same tunnels from the file, against the pool of `demo --pool-only`.
        await using var poolOnly = await StartDemoAsync(firstPort, kept, "--pool-only");
        var serveWords = NewcomerPath.Printed(poolOnly.Process.StandardOutput, "serve");
        Assert.Equal(["serve", "--config", config], serveWords);
        await using var serve = RunningProcess.Start(Printed(home, serveWords));
        var health = await WaitForHealthAsync(serve, NewcomerPath.PrintedStatusPage(poolOnly.Process.StandardOutput));
        var status = await health.GetStringAsync(new Uri("/", UriKind.Relative)).Bounded();
        foreach (var vm in DemoVms)
        {
            Assert.Contains($"<article id=\"tunnel-{vm}\">", status, StringComparison.Ordinal);
        }

        var throughServe = await RunPrintedAsync(home, NewcomerPath.Printed(output, "probe", w => w[1] != "web01"), password);
        Assert.True(throughServe.ExitCode is 0 or 1, throughServe.Describe("probe through serve failed"));
        serve.Terminate();
        Assert.Equal(0, await serve.WaitForExitAsync(CancellationToken.None).Bounded());
        poolOnly.Process.Interrupt();
        Assert.Equal(130, await poolOnly.Process.WaitForExitAsync(CancellationToken.None).Bounded());
    }

    private static Task<ServeProcess> StartDemoAsync(int firstPort, string configOut, params string[] extra) =>
        ServeProcess.StartAsync(
            [
                "demo", "--port", firstPort.ToString(CultureInfo.InvariantCulture), "--health-port", TestPorts.Free().ToString(CultureInfo.InvariantCulture),
                "--config-out", configOut, .. extra,
            ],
            o => o.Contains("Press Ctrl+C", StringComparison.Ordinal));

    /// <summary>A printed line, run as pasted: the program the demo named, in the newcomer's directory.</summary>
    private static ProcessSpec Printed(TemporaryDirectory home, string[] words) =>
        ServeProcess.Command(words) with { WorkingDirectory = home.Path };

    private static async Task<ProcessResult> RunPrintedAsync(TemporaryDirectory home, string[] words, string password)
    {
        var result = await Processes.RunToExitAsync(Printed(home, words), TestTimeouts.Default, CancellationToken.None);
        Assert.DoesNotContain(password, result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        return result;
    }

    private static void AssertPrivate(string directory)
    {
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(directory, "demo.password")));
    }

    /// <summary>Waits for the status page's address to answer <c>/healthz</c> with 200: every tunnel listens.</summary>
    private static async Task<HttpClient> WaitForHealthAsync(RunningProcess serve, Uri statusPage)
    {
        var http = new HttpClient { BaseAddress = statusPage, Timeout = TestTimeouts.Default };
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return http;
                }
            }
            catch (HttpRequestException) when (!serve.HasExited && DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            Assert.False(serve.HasExited || DateTime.UtcNow > deadline, serve.Describe("serve did not become healthy"));
            await Task.Delay(100);
        }
    }
}
