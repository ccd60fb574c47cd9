using System.CommandLine;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using XcpTunnel.Configuration;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Cli;

/// <summary>
/// <c>xcptunnel trust URL</c>: shows the certificate a host presents and, with <c>--write</c>, pins
/// it for a pool. It does not verify the certificate: looking at it is the point.
/// </summary>
internal static class TrustCommand
{
    private const int HttpsPort = 443;

    private const string Description = """
        Show the TLS certificate a host presents, and optionally pin it in the configuration.

        Prints subject, issuer, names, validity and SHA-256 fingerprint. The certificate is NOT verified: compare the fingerprint with the one the host
        itself reports (on XCP-ng / XenServer: openssl x509 -noout -fingerprint -sha256 -in
        /etc/xensource/xapi-ssl.pem) before trusting it. With --write --pool POOL, set that pool's
        TlsFingerprint in the configuration file to it, leaving everything else as it was.

        Examples:
          xcptunnel trust https://xcp01.example.com
          xcptunnel trust xcp01.example.com:8443
          xcptunnel trust https://xcp01.example.com --write --pool lab --config /etc/xcptunnel/xcptunnel.json
        """ + "\n\n" + ExitCodes.HelpText;

    private static readonly Argument<(string Host, int Port)> Url = new("URL")
    {
        Description = "The host: https://HOST[:PORT] or HOST[:PORT]; port 443 when none is given.",
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (ParseTarget(text) is { } target)
            {
                return target;
            }

            result.AddError($"'{text}' is not an https URL such as https://xcp01.example.com");
            return default;
        },
    };

    private static readonly Option<bool> Write = new("--write", "-w") { Description = "Pin the certificate: set Pools:POOL:TlsFingerprint in the configuration file." };

    private static readonly Option<string?> Pool = new("--pool", "-p") { Description = "With --write: the pool to pin it for.", HelpName = "POOL" };

    public static Command Create()
    {
        Write.Validators.Add(result =>
        {
            if (result.GetValue(Write) && !CliOptions.Given(result, Pool))
            {
                result.AddError("--write needs --pool POOL: the pool whose TlsFingerprint to set");
            }
        });
        Pool.Validators.Add(result =>
        {
            if (!result.GetValue(Write))
            {
                result.AddError("--pool only means something with --write");
            }
        });
        return CliCommand.Create(new Command("trust", Description) { Url, Write, Pool, CliOptions.Config() }, RunAsync);
    }

    private static async Task<int> RunAsync(CliRun cli, CancellationToken cancellationToken)
    {
        var (host, port) = cli.Get(Url);
        var pool = cli.Get(Pool);
        if (pool is not null)
        {
            ConfigPinWriter.Check(cli.ConfigPath, pool);
        }

        X509Certificate2 certificate;
        var connector = new TlsConnector(TlsTrustPolicy.Insecure);
        await using (var tls = await connector.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false))
        {
            certificate = Copy(tls);
        }

        using (certificate)
        {
            var endpoint = Protocol.HostPort.Format(host, port);
            CertificateDescription.Write(certificate, endpoint, TimeProvider.System, cli.Output);
            if (pool is null)
            {
                return ExitCodes.Ok;
            }

            var fingerprint = CertificateFingerprint.Of(certificate);
            var previous = ConfigPinWriter.Write(cli.ConfigPath, pool, fingerprint);
            var replaced = previous is null ? string.Empty : $" (it was \"{previous}\")";
            cli.Output.WriteLine($"Wrote \"TlsFingerprint\": \"{fingerprint}\" to Pools:{pool} in {cli.ConfigPath}{replaced}.");
            cli.Output.WriteLine($"Each host of a pool has its own certificate: run xcptunnel check --config {cli.ConfigPath} to see whether every console host is trusted.");
            return ExitCodes.Ok;
        }
    }

    /// <summary>https://HOST[:PORT] or HOST[:PORT]; the host without IPv6 brackets, as sockets want it.</summary>
    internal static (string Host, int Port)? ParseTarget(string text)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host))
        {
            return null;
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        return (host, uri.IsDefaultPort ? HttpsPort : uri.Port);
    }

    private static X509Certificate2 Copy(SslStream tls) =>
        tls.RemoteCertificate is { } presented
            ? new X509Certificate2(presented)
            : throw new CommandFailedException("the host presented no TLS certificate");
}
