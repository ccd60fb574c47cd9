using System.CommandLine;
using XcpTunnel.Configuration;
using XcpTunnel.Daemon;
using XcpTunnel.Protocol;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi;
using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Cli;

/// <summary>
/// <c>xcptunnel check</c>: everything <c>serve</c> would need, tried now: the configuration, each
/// pool's certificate and login, each tunnel's VM and console, and the console host's certificate.
/// </summary>
internal static class CheckCommand
{
    private const string Description = """
        Check the configuration against the pools without starting the daemon.

        Validates the file, logs in to each pool and verifies its certificate, and resolves every
        tunnel's VM to a running VM with a VNC console (and verifies the certificate of the host that
        serves it). One line per item, ✓ or ✗.
        When a certificate is not trusted, it prints the fingerprint the host presented and the
        line to add to the configuration.

        Examples:
          xcptunnel check
          xcptunnel check --config ./xcptunnel.json
        """ + "\n\n" + ExitCodes.HelpText + " Any ✗ makes the exit code 1.";

    public static Command Create() =>
        CliCommand.Create(new Command("check", Description) { CliOptions.Config() }, RunAsync);

    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        var configPath = cli.ConfigPath;
        var (settings, warnings) = cli.LoadConfig();
        var report = new CheckReport(cli.Output);
        report.Pass($"configuration {configPath} is valid ({Count(settings.Pools.Count, "pool")}, {Count(settings.Tunnels.Count, "tunnel")})");
        foreach (var warning in warnings)
        {
            report.Warn(warning);
        }

        using var loggers = cli.CreateLoggers();
        await using var registry = new PoolRegistry(settings.Pools, loggers, TimeProvider.System);
        foreach (var name in settings.Pools.Keys.Order(StringComparer.OrdinalIgnoreCase))
        {
            var pool = registry[name];
            var tunnels = settings.Tunnels.Where(t => string.Equals(t.Pool, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (await CheckPoolAsync(pool, configPath, report, cancellationToken).ConfigureAwait(false))
            {
                foreach (var tunnel in tunnels)
                {
                    await CheckTunnelAsync(pool, tunnel, configPath, report, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                foreach (var tunnel in tunnels)
                {
                    report.Fail($"tunnel {tunnel.Name} ({tunnel.ListenText}): not checked, pool {name} is not available");
                }
            }
        }

        report.Summary();
        return report.Failures == 0 ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>Trust and login, in the order they happen on the wire; true when the pool can be used.</summary>
    private static async Task<bool> CheckPoolAsync(XapiPoolSession pool, string configPath, CheckReport report, CancellationToken cancellationToken)
    {
        var name = pool.Options.Name;
        try
        {
            await pool.GetSessionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (XapiLoginException ex) when (FindTrustFailure(ex) is { } rejected)
        {
            report.Fail($"pool {name}: {rejected.Message}");
            HintPin(report, name, configPath, pool.Options.Trust, rejected, pool.Options.Url.GetLeftPart(UriPartial.Authority), keepPins: false);
            return false;
        }
        catch (XcpTunnelException ex)
        {
            report.Fail($"pool {name}: {ex.Message}");
            return false;
        }

        var host = pool.CoordinatorUrl?.IdnHost ?? pool.Options.Url.IdnHost;
        if (pool.Options.Trust.Mode == TlsTrustMode.Insecure)
        {
            report.Warn($"pool {name}: certificate of {host} NOT verified (Insecure: true)");
        }
        else
        {
            report.Pass($"pool {name}: certificate of {host} verified by {Describe(pool.Options.Trust)}");
        }

        report.Pass($"pool {name}: logged in as {pool.Options.UserName} at {pool.CoordinatorUrl}");
        return true;
    }

    private static async Task CheckTunnelAsync(XapiPoolSession pool, TunnelSettings tunnel, string configPath, CheckReport report, CancellationToken cancellationToken)
    {
        var what = $"tunnel {tunnel.Name} ({tunnel.ListenText})";
        ResolvedConsole console;
        string host;
        try
        {
            console = await new ConsoleResolver(pool).ResolveAsync(tunnel.Vm, cancellationToken).ConfigureAwait(false);
            host = await pool.GetHostNameLabelAsync(console.Vm.ResidentOn, cancellationToken).ConfigureAwait(false);
        }
        catch (XcpTunnelException ex)
        {
            report.Fail($"{what}: {ex.Message}");
            return;
        }

        // The console is served by whichever host runs the VM, which may present another certificate
        // than the coordinator: without this a check passes and the first viewer fails.
        try
        {
            await using var tls = await pool.Tls.ConnectAsync(console.Location.Host, console.Location.Port, cancellationToken).ConfigureAwait(false);
        }
        catch (CertificateTrustException ex)
        {
            report.Fail($"{what}: VM '{console.Vm.NameLabel}' runs on {host}, but the {ex.Message}");
            HintPin(report, pool.Options.Name, configPath, pool.Options.Trust, ex, $"https://{HostPort.Format(console.Location.Host, console.Location.Port)}", keepPins: true);
            return;
        }
        catch (XcpTunnelException ex)
        {
            report.Fail($"{what}: VM '{console.Vm.NameLabel}' runs on {host}, whose console cannot be reached: {ex.Message}");
            return;
        }

        report.Pass($"{what}: VM '{console.Vm.NameLabel}' is running on {host} with an rfb console");
    }

    /// <summary>
    /// The line that makes the presented certificate trusted. For a member host of a pinned pool the
    /// existing pins stay: they evidently work for the coordinator.
    /// </summary>
    private static void HintPin(CheckReport report, string pool, string configPath, TlsTrustPolicy trust, CertificateTrustException rejected, string url, bool keepPins)
    {
        // A member that is not what the pool says it is must not be pinned on the spot: that is what pinning is against.
        if (rejected.Presented is null || rejected.Failure == CertificateTrustFailure.PoolMismatch)
        {
            return;
        }

        IEnumerable<CertificateFingerprint> pins = keepPins && trust.Mode == TlsTrustMode.Pinned ? [.. trust.Pins, rejected.Presented] : [rejected.Presented];
        var instead = trust.Mode is TlsTrustMode.CertificateAuthority ? " (instead of CaFile)" : string.Empty;
        report.Hint($"if that is the certificate you expect, set under Pools:{pool} in {configPath}{instead}:");
        report.Hint($"  \"TlsFingerprint\": \"{string.Join(", ", pins)}\"");
        report.Hint($"(or run: xcptunnel trust {url} --write --pool {pool} --config {configPath})");
    }

    private static CertificateTrustException? FindTrustFailure(Exception? ex) =>
        ex is null ? null : ex as CertificateTrustException ?? FindTrustFailure(ex.InnerException);

    private static string Describe(TlsTrustPolicy trust) => trust.Mode switch
    {
        TlsTrustMode.Pinned => trust.Pins.Count == 1 ? "its pinned fingerprint" : "one of its pinned fingerprints",
        TlsTrustMode.CertificateAuthority => "the CA in CaFile",
        _ => "the system trust store",
    };

    private static string Count(int n, string what) => $"{n} {what}{(n == 1 ? string.Empty : "s")}";
}
