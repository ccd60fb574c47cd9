using System.Globalization;
using System.Text;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;
using XcpTunnel.Simulator;

namespace XcpTunnel.Benchmarks;

/// <summary>Sets up the pool and the three paths, measures each figure on every path, and reports.</summary>
internal static class BenchRun
{
    private const string Password = "bench-password";
    private const string VmName = "bulk";
    private const int WarmUpConnections = 20;

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var ct = timeout.Token;
        await using var pool = await SimulatedPool.StartAsync(new SimulatedPoolOptions { Password = Password }, ct);
        pool.AddVm(VmName, backend: ConsoleBackend.QemuThen(BulkBackend.ServeAsync, BulkProtocol.ScreenSide, BulkProtocol.ScreenSide));

        var options = new XapiPoolOptions
        {
            Name = "bench",
            Url = pool.CoordinatorUrl,
            UserName = "root",
            Password = new XapiPassword(Password),
            Trust = TlsTrustPolicy.Pinned(pool.Hosts.Select(h => CertificateFingerprint.Of(h.Certificate))),
        };
        await using var session = new XapiPoolSession(options);
        var sessionRef = await session.GetSessionAsync(ct);
        var location = (await new ConsoleResolver(session).ResolveAsync(VmName, ct)).Location;
        var directory = Directory.CreateTempSubdirectory("xcptunnel-bench-");
        try
        {
            var (socat, socatPort) = await Peers.StartSocatAsync(settings.Socat, pool.Coordinator);
            await using (socat)
            {
                var (daemon, daemonPort) = await Peers.StartDaemonAsync(
                    settings.XcpTunnelBinary, pool, Password, VmName, settings.IdleConnections + 100, settings.HoldSeconds, directory.FullName);
                await using (daemon)
                {
                    IConsolePath[] paths =
                    [
                        new DirectPath(session.Tls, location, sessionRef),
                        new SocatPath(socatPort, location, sessionRef),
                        new XcpTunnelPath(daemonPort),
                    ];
                    var rows = await MeasureAsync(settings, pool, daemon, socat, paths, ct);
                    if (settings.LargePoolVms > 0)
                    {
                        rows.AddRange(await LargePoolBench.MeasureAsync(settings, ct));
                    }

                    if (settings.AutoTunnelVms > 0)
                    {
                        rows.AddRange(await AutoTunnelsBench.MeasureAsync(settings, ct));
                    }

                    var markdown = Markdown(settings, daemon, rows) + KeptNotes(settings.Output);
                    Console.WriteLine(Report.Table(rows));
                    await File.WriteAllTextAsync(settings.Output, markdown, ct);
                    Console.WriteLine($"Written to {settings.Output}");
                    // A benchmark reports; it does not fail. Unmet targets are marked in the table.
                    return 0;
                }
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<List<ResultRow>> MeasureAsync(
        BenchSettings settings, SimulatedPool pool, ChildProcess daemon, ChildProcess socatProcess, IConsolePath[] paths, CancellationToken ct)
    {
        // JIT, the daemon's login and console cache, socat's first fork: none of that is what is measured.
        foreach (var path in paths)
        {
            await Measurements.SetupAsync(path, WarmUpConnections, ct);
        }

        long bytes = settings.TransferMib * 1024L * 1024;
        var down = paths.ToDictionary(p => p, _ => new List<double>());
        var up = paths.ToDictionary(p => p, _ => new List<double>());
        TimeSpan daemonCpu = TimeSpan.Zero, socatCpu = TimeSpan.Zero;
        for (int repeat = 0; repeat < settings.Repeats; repeat++)
        {
            foreach (var path in paths)
            {
                Progress($"throughput {path.Name} {repeat + 1}/{settings.Repeats}");
                TimeSpan daemonBefore = daemon.CpuTime(), socatBefore = socatProcess.CpuTime(withReapedChildren: true);
                var (d, u) = await Measurements.ThroughputAsync(path, bytes, ct);
                if (path is XcpTunnelPath)
                {
                    daemonCpu += daemon.CpuTime() - daemonBefore;
                }
                else if (path is SocatPath)
                {
                    // The connection's child has exited and been reaped once the transfer's connection closed.
                    await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
                    socatCpu += socatProcess.CpuTime(withReapedChildren: true) - socatBefore;
                }

                down[path].Add(d);
                up[path].Add(u);
            }
        }

        // Less noisy than wall-clock figures on a shared machine: what the daemon spends per GiB it carries.
        double gibCarried = 2.0 * settings.Repeats * settings.TransferMib / 1024;
        double cpuPerGib = daemonCpu.TotalMilliseconds / gibCarried, socatCpuPerGib = socatCpu.TotalMilliseconds / gibCarried;

        var rtt = new Dictionary<IConsolePath, double[]>();
        var setup = new Dictionary<IConsolePath, double[]>();
        var parallel = new Dictionary<IConsolePath, double>();
        long rpcs = 0, eventCalls = 0;
        foreach (var path in paths)
        {
            Progress($"round trips {path.Name}");
            rtt[path] = await Measurements.RoundTripsAsync(path, settings.RoundTrips, ct);
            Progress($"setup {path.Name}");
            long callsBefore = pool.Counters.TotalCalls, eventsBefore = pool.Counters.Calls("event.from");
            setup[path] = await Measurements.SetupAsync(path, settings.SetupSamples, ct);
            if (path is XcpTunnelPath)
            {
                eventCalls = pool.Counters.Calls("event.from") - eventsBefore;
                rpcs = pool.Counters.TotalCalls - callsBefore - eventCalls;
            }

            Progress($"parallel {path.Name}");
            parallel[path] = await Measurements.ParallelDownloadAsync(path, settings.ParallelStreams, settings.ParallelMibEach * 1024L * 1024, ct);
        }

        Progress($"{settings.IdleConnections} idle connections through xcptunnel");
        var idle = await IdleAsync(settings, daemon, paths[2], ct);

        var (direct, socat, xcp) = (paths[0], paths[1], paths[2]);
        double Median(Dictionary<IConsolePath, List<double>> figures, IConsolePath path) => Statistics.Median(figures[path]);
        double P(Dictionary<IConsolePath, double[]> figures, IConsolePath path, double percentile) => Statistics.Percentile(figures[path], percentile);
        var rows = new List<ResultRow>();
        foreach (var (name, figures) in new[] { ("download", down), ("upload", up) })
        {
            double d = Median(figures, direct), s = Median(figures, socat), x = Median(figures, xcp);
            rows.Add(new ResultRow(
                $"{name} {settings.TransferMib} MiB, median of {settings.Repeats}", "MiB/s", d, s, x, Better.Higher,
                "≥ 1.0× socat and ≥ 0.85× direct", x >= s && x >= 0.85 * d));
        }

        rows.Add(new ResultRow("relay CPU per GiB carried (user+sys)", "ms", null, socatCpuPerGib, cpuPerGib, Better.Lower));
        double rttDirect = P(rtt, direct, 50), rttXcp = P(rtt, xcp, 50);
        rows.Add(new ResultRow($"round trip 64 B p50 ({settings.RoundTrips})", "µs", rttDirect, P(rtt, socat, 50), rttXcp, Better.Lower,
            "≤ direct + 50 µs", rttXcp <= rttDirect + 50));
        rows.Add(new ResultRow($"round trip 64 B p99 ({settings.RoundTrips})", "µs", P(rtt, direct, 99), P(rtt, socat, 99), P(rtt, xcp, 99), Better.Lower));
        double setupDirect = P(setup, direct, 50), setupXcp = P(setup, xcp, 50);
        rows.Add(new ResultRow($"setup to ServerInit p50 ({settings.SetupSamples})", "ms", setupDirect, P(setup, socat, 50), setupXcp, Better.Lower,
            "≤ direct + 1 ms", setupXcp <= setupDirect + 1));
        rows.Add(new ResultRow($"setup to ServerInit p99 ({settings.SetupSamples})", "ms", P(setup, direct, 99), P(setup, socat, 99), P(setup, xcp, 99), Better.Lower));
        rows.Add(new ResultRow("XAPI RPCs per new connection", "calls", null, null, (double)rpcs / settings.SetupSamples, Better.Lower,
            string.Create(CultureInfo.InvariantCulture, $"0 (event.from calls meanwhile: {eventCalls})"), rpcs == 0));
        rows.Add(new ResultRow($"{settings.ParallelStreams} parallel downloads × {settings.ParallelMibEach} MiB, aggregate", "MiB/s",
            parallel[direct], parallel[socat], parallel[xcp], Better.Higher));
        rows.Add(new ResultRow("daemon RSS before idle connections", "MiB", null, null, idle.Before / 1048576.0, Better.Lower));
        rows.Add(new ResultRow($"daemon RSS with {settings.IdleConnections} idle connections", "MiB", null, null, idle.After / 1048576.0, Better.Lower));
        double perConnection = (idle.After - idle.Before) / 1024.0 / settings.IdleConnections;
        rows.Add(new ResultRow("RSS per idle connection", "KiB", null, null, perConnection, Better.Lower, "≤ 64 KiB", perConnection <= 64));
        return rows;
    }

    private static async Task<(long Before, long After)> IdleAsync(BenchSettings settings, ChildProcess daemon, IConsolePath path, CancellationToken ct)
    {
        // Let the daemon's GC and thread pool settle after the bulk runs, so the difference is the connections'.
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        long before = daemon.ResidentBytes();
        var clients = await Measurements.OpenManyAsync(path, settings.IdleConnections, ct);
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            return (before, daemon.ResidentBytes());
        }
        finally
        {
            await Measurements.DisposeAllAsync(clients);
        }
    }

    private static string Markdown(BenchSettings settings, ChildProcess daemon, List<ResultRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("# XcpTunnel benchmark results");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC with `./bench.sh`. Machine: {Report.Machine()}.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"The machine is shared with other builds, so absolute figures are noisy: read the ratios. Daemon open-files limit: {daemon.OpenFilesLimit()}.");
        text.AppendLine();
        text.AppendLine("Paths: **direct** = the client does TLS + `CONNECT` itself with XcpTunnel.Protocol (the ceiling); " +
            "**socat** = `socat TCP4-LISTEN:P,fork,reuseaddr OPENSSL:HOST:PORT,verify=0`, the client sends the `CONNECT` line over plain TCP; " +
            $"**xcptunnel** = the Release `xcptunnel serve` binary, a plain TCP connection to its tunnel ({HoldText(settings.HoldSeconds)}). " +
            "The console is the simulator's bulk-data backend: qemu's RFB handshake, then RFB messages only (download = FramebufferUpdates of Raw " +
            "rectangles, upload = ClientCutText answered by a Bell, round trip = a 64-byte ClientCutText answered by a 64-byte ServerCutText; " +
            "sizes count pixels and text); every path's client does a viewer's RFB 3.8 handshake first.");
        text.AppendLine();
        text.Append(Report.Table(rows));
        text.AppendLine();
        text.AppendLine("Targets: throughput ≥ 1.0× socat and ≥ 0.85× direct both ways; RTT p50 ≤ direct + 50 µs; " +
            "setup within 1 ms of direct and 0 XAPI RPCs per connection; ≤ 64 KiB per idle connection.");
        return text.ToString();
    }

    private static string HoldText(int? holdSeconds) => holdSeconds switch
    {
        null => "`HoldSeconds` unset: the holding relay, 120 s",
        0 => "`HoldSeconds: 0`: the plain splice",
        { } seconds => $"`HoldSeconds: {seconds}`: the holding relay",
    };

    /// <summary>The hand-written "## Notes" section of the previous results (analysis, before/after), carried over.</summary>
    private static string KeptNotes(string output)
    {
        const string heading = "\n## Notes";
        var previous = File.Exists(output) ? File.ReadAllText(output) : "";
        int notes = previous.IndexOf(heading, StringComparison.Ordinal);
        return notes < 0 ? "" : previous[notes..];
    }

    private static void Progress(string what) => Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {what}");
}
