using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using XcpTunnel.Protocol.Tls;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Sessions;

// What the coordinator says about its hosts, asked once per login: where each host is (for failover and console
// locations that are not URIs) and which certificate each serves (to verify members reached by IP).
public sealed partial class XapiPoolSession
{
    private static readonly XapiCallOptions HostRecords = new() { Result = XapiResultShape.Map(XapiResultShape.Record(HostRecord.Fields)) };

    /// <summary>Reads the pool's host records again through the live session (the console cache does, at each load).</summary>
    internal async Task RefreshMembersAsync(CancellationToken cancellationToken)
    {
        if (_live is { } live)
        {
            await RefreshMembersAsync(live, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The certificate each host serves, as the pool publishes it: the <c>Certificate</c> records of type <c>host</c>
    /// (<c>fingerprint_sha256</c>; 8.2 has <c>fingerprint</c> and no type; <c>host_internal</c> ones are only used
    /// between members), and <c>host.get_server_certificate</c> for a host without one.
    /// </summary>
    private async Task<Dictionary<string, CertificateFingerprint>> PublishedCertificatesAsync(
        LiveSession live, IEnumerable<string> hostRefs, CancellationToken cancellationToken)
    {
        var published = new Dictionary<string, CertificateFingerprint>(StringComparer.Ordinal);
        try
        {
            var records = (await TimedCallAsync(live.Client, "Certificate.get_all_records", [live.Ref.Value], XapiCallOptions.Default, cancellationToken)
                .ConfigureAwait(false)).GetXapiObject("Certificate.get_all_records");
            foreach (var (_, node) in records)
            {
                var record = node.GetXapiObject("a Certificate record");
                var type = record["type"] is { } t ? t.GetXapiString("Certificate type") : "host";
                var text = (record["fingerprint_sha256"] ?? record["fingerprint"])?.GetXapiString("Certificate fingerprint");
                if (type == "host" && record["host"]?.GetXapiString("Certificate host") is { } host
                    && CertificateFingerprint.TryParse(text, out var fingerprint, out _))
                {
                    published[host] = fingerprint;
                }
            }
        }
        catch (XapiFailureException ex) when (ex.ErrorCode == XapiErrorCodes.MessageMethodUnknown)
        {
            // Before Certificate records existed: each host is asked below.
        }

        foreach (var hostRef in hostRefs.Where(h => !published.ContainsKey(h)))
        {
            var pem = (await TimedCallAsync(live.Client, "host.get_server_certificate", [live.Ref.Value, hostRef], XapiCallOptions.Default, cancellationToken)
                .ConfigureAwait(false)).GetXapiString("host.get_server_certificate");
            try
            {
                using var certificate = X509Certificate2.CreateFromPem(pem);
                published[hostRef] = CertificateFingerprint.Of(certificate);
            }
            catch (CryptographicException)
            {
                // Not a certificate: that host is verified by the pool's policy alone.
            }
        }

        return published;
    }

    /// <summary>Applies a change to a host record (from <c>event.from</c>).</summary>
    internal void ApplyHostEvent(XapiEvent change)
    {
        if (change.Operation == XapiEvent.Del)
        {
            Members.Remove(change.Ref);
        }
        else
        {
            var host = HostRecord.Parse(change.Ref, change.Snapshot);
            Members.Update(new PoolMember(host.Ref, host.NameLabel, host.Address, Certificate: null));
        }
    }

    private async Task RefreshMembersAsync(LiveSession live, CancellationToken cancellationToken)
    {
        try
        {
            var hosts = (await TimedCallAsync(live.Client, "host.get_all_records", [live.Ref.Value], HostRecords, cancellationToken)
                .ConfigureAwait(false)).GetXapiObject("host.get_all_records");
            var published = await PublishedCertificatesAsync(live, hosts.Select(h => h.Key), cancellationToken).ConfigureAwait(false);
            List<PoolMember> members = [];
            foreach (var (hostRef, node) in hosts)
            {
                var host = HostRecord.Parse(hostRef, node);
                members.Add(new PoolMember(host.Ref, host.NameLabel, host.Address, published.GetValueOrDefault(host.Ref)));
            }

            Members.Replace(members);
            XapiSessionLog.MembersLearned(_logger, Options.Name, members.Count);
        }
        catch (Exception ex) when (ex is XcpTunnelException)
        {
            // The session is good; failover falls back on the configured URLs until a later login learns more.
            XapiSessionLog.MembersUnknown(_logger, Options.Name, ex.Message);
        }
    }
}
