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

    public static Command Create()
    {
        var url = new Argument<string>("URL") { Description = "The host: https://HOST[:PORT] or HOST[:PORT]; port 443 when none is given." };
        var write = new Option<bool>("--write", "-w") { Description = "Pin the certificate: set Pools:POOL:TlsFingerprint in the configuration file." };
        var pool = new Option<string?>("--pool", "-p") { Description = "With --write: the pool to pin it for.", HelpName = "POOL" };
        var config = CommonOptions.Config();
        var verbose = CommonOptions.Verbose();
        var command = new Command("trust", Description) { url, write, pool, config, verbose };
        UsageErrors.RejectOptionLikeValues(url, command);
        command.SetAction((parse, cancellationToken) =>
        {
            var request = new TrustRequest(parse.GetValue(url)!, parse.GetValue(write), parse.GetValue(pool), parse.GetValue(config)!);
            var isVerbose = parse.GetValue(verbose);
            return CliErrors.RunAsync(ct => RunAsync(request, Console.Out, ct), isVerbose, Console.Error, cancellationToken);
        });
        return command;
    }

    public static async Task<int> RunAsync(TrustRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        var (host, port) = ParseTarget(request.Url);
        if (request.Write != request.Pool is not null)
        {
            throw new UsageException(request.Write
                ? "--write needs --pool POOL: the pool whose TlsFingerprint to set"
                : "--pool only means something with --write");
        }

        if (request.Write)
        {
            ConfigPinWriter.Check(request.ConfigPath, request.Pool!);
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
            await CertificateDescription.WriteAsync(certificate, endpoint, TimeProvider.System, output).ConfigureAwait(false);
            if (!request.Write)
            {
                return ExitCodes.Ok;
            }

            var fingerprint = CertificateFingerprint.Of(certificate);
            var previous = ConfigPinWriter.Write(request.ConfigPath, request.Pool!, fingerprint);
            var replaced = previous is null ? string.Empty : $" (it was \"{previous}\")";
            await output.WriteLineAsync($"Wrote \"TlsFingerprint\": \"{fingerprint}\" to Pools:{request.Pool} in {request.ConfigPath}{replaced}.").ConfigureAwait(false);
            await output.WriteLineAsync($"Each host of a pool has its own certificate: run xcptunnel check --config {request.ConfigPath} to see whether every console host is trusted.").ConfigureAwait(false);
            return ExitCodes.Ok;
        }
    }

    /// <summary>https://HOST[:PORT] or HOST[:PORT]; the host without IPv6 brackets, as sockets want it.</summary>
    internal static (string Host, int Port) ParseTarget(string text)
    {
        var withScheme = text.Contains("://", StringComparison.Ordinal) ? text : "https://" + text;
        if (!Uri.TryCreate(withScheme, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host))
        {
            throw new UsageException($"'{text}' is not an https URL such as https://xcp01.example.com");
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.IdnHost;
        return (host, uri.IsDefaultPort ? HttpsPort : uri.Port);
    }

    private static X509Certificate2 Copy(SslStream tls) =>
        tls.RemoteCertificate is { } presented
            ? new X509Certificate2(presented)
            : throw new CommandFailedException("the host presented no TLS certificate");
}

/// <summary>What <c>xcptunnel trust</c> was asked.</summary>
internal sealed record TrustRequest(string Url, bool Write, string? Pool, string ConfigPath);
