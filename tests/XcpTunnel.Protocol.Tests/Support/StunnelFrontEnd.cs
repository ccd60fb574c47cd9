using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>
/// Debian's real stunnel (package <c>stunnel4</c>) in front of a simulated pool serving plain HTTP, one stunnel
/// process per host with the configuration xapi generates for its own (xapi_stunnel_server.ml): TLS 1.2 only, two
/// ECDHE-RSA AES-GCM suites, curve secp384r1, server cipher preference, <c>TIMEOUTclose = 1</c>, TCP_NODELAY and
/// SO_KEEPALIVE, <c>protocol = proxy</c>, and a second service selected by SNI <c>pool</c>. Each process has its own
/// configuration file in a temporary directory; no system service is involved.
/// </summary>
internal sealed class StunnelFrontEnd : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly List<Process> _processes = [];
    private readonly string _directory;

    private StunnelFrontEnd(SimulatedPool pool, string directory)
    {
        Pool = pool;
        _directory = directory;
    }

    public SimulatedPool Pool { get; }

    /// <summary>Everything the stunnel processes logged so far, for failure messages.</summary>
    public string Log => string.Join(
        "\n", Directory.EnumerateFiles(_directory, "*.log").Select(f => $"--- {Path.GetFileName(f)} ---\n{File.ReadAllText(f)}"));

    /// <summary>
    /// Starts a pool (<paramref name="options"/> given the front end's port) serving plain HTTP behind stunnel, and
    /// waits until every host's stunnel accepts connections.
    /// </summary>
    public static async Task<StunnelFrontEnd> StartAsync(Func<int, SimulatedPoolOptions> options)
    {
        var stunnel = RealPeers.Require("stunnel4", "stunnel4");
        var pool = await SimulatedPool.StartAsync(options(TestPorts.Free()), CancellationToken.None).Bounded();
        var directory = Directory.CreateTempSubdirectory("xcptunnel-stunnel-").FullName;
        var frontEnd = new StunnelFrontEnd(pool, directory);
        try
        {
            foreach (var host in pool.Hosts)
            {
                frontEnd._processes.Add(Start(stunnel, host, directory));
            }

            foreach (var host in pool.Hosts)
            {
                await frontEnd.WaitAcceptingAsync(host);
            }

            return frontEnd;
        }
        catch
        {
            await frontEnd.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (InvalidOperationException)
            {
                // It had exited.
            }

            process.Dispose();
        }

        await Pool.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private static Process Start(string stunnel, SimulatedHost host, string directory)
    {
        var name = host.NameLabel;
        var pem = Path.Combine(directory, name + ".pem");
        using (var key = host.Certificate.GetRSAPrivateKey() ?? throw new InvalidOperationException($"{name}'s certificate has no RSA key"))
        {
            File.WriteAllText(pem, host.Certificate.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        }

        File.SetUnixFileMode(pem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var address = host.Address.ToString();
        var accept = HostPort(address, host.Port);
        var connect = HostPort(address, host.ListenPort);
        var service = $"""
            connect = {connect}
            cert = {pem}
            sslVersion = TLSv1.2
            ciphers = ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
            curve = secp384r1
            options = CIPHER_SERVER_PREFERENCE
            TIMEOUTclose = 1
            socket = r:TCP_NODELAY=1
            socket = a:TCP_NODELAY=1
            socket = l:TCP_NODELAY=1
            socket = r:SO_KEEPALIVE=1
            socket = a:SO_KEEPALIVE=1
            protocol = proxy
            """;
        var config = Path.Combine(directory, name + ".conf");
        File.WriteAllText(config, $"""
            foreground = yes
            pid =
            syslog = no
            debug = notice
            output = {Path.Combine(directory, name + ".log")}

            [xapi]
            accept = {accept}
            {service}

            [xapi-pool]
            sni = xapi:pool
            {service}
            """);
        var start = new ProcessStartInfo(stunnel, [config])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {stunnel}");
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private async Task WaitAcceptingAsync(SimulatedHost host)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            using var probe = new TcpClient(host.Address.AddressFamily);
            try
            {
                await probe.ConnectAsync(host.Address, host.Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && _processes.All(p => !p.HasExited))
            {
                await Task.Delay(50);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException($"stunnel for {host} does not accept connections ({e.SocketErrorCode}):\n{Log}", e);
            }
        }
    }

    private static string HostPort(string address, int port) =>
        (address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address) + ":" + port.ToString(CultureInfo.InvariantCulture);
}
