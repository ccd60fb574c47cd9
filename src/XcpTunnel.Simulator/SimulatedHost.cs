using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace XcpTunnel.Simulator;

/// <summary>One host of a <see cref="SimulatedPool"/>: an HTTPS endpoint with its own address and certificate.</summary>
public sealed class SimulatedHost
{
    internal SimulatedHost(string nameLabel, IPAddress address, X509Certificate2 certificate)
    {
        NameLabel = nameLabel;
        Address = address;
        Certificate = certificate;
        Uuid = Guid.NewGuid().ToString();
        Ref = "OpaqueRef:" + Guid.NewGuid().ToString();
        CertificateSha256Hex = Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256));
        PublishedCertificate = certificate;
        CertificateRef = "OpaqueRef:" + Guid.NewGuid().ToString();
        InternalCertificateRef = "OpaqueRef:" + Guid.NewGuid().ToString();
    }

    /// <summary><c>host1</c>, <c>host2</c> …; also the host name in the default certificate.</summary>
    public string NameLabel { get; }

    /// <summary>The host's <c>uuid</c>.</summary>
    public string Uuid { get; }

    /// <summary>The host's <c>OpaqueRef:…</c>.</summary>
    public string Ref { get; }

    /// <summary>The address the host listens on (and its <c>address</c> field).</summary>
    public IPAddress Address { get; }

    /// <summary>The TCP port clients use; every host of a pool shares it (behind a front end, the front end's).</summary>
    public int Port { get; internal set; }

    /// <summary>The port the host itself listens on: <see cref="Port"/>, unless it serves plain HTTP behind a front end.</summary>
    public int ListenPort { get; internal set; }

    /// <summary><c>https://ADDRESS:PORT</c> (IPv6 in brackets).</summary>
    public Uri Url => new("https://" + FormatAuthority(includePort: true));

    /// <summary>The certificate the host presents.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the DER certificate, upper-case hex without separators (what a pin compares).</summary>
    public string CertificateSha256Hex { get; }

    /// <summary>The certificate the pool's records describe for this host: its own, unless <see cref="SimulatedPool.PublishCertificate"/> said otherwise.</summary>
    public X509Certificate2 PublishedCertificate { get; internal set; }

    /// <summary>
    /// Serves <c>POST /jsonrpc</c>. False is an old XCP without the JSON-RPC handler: xapi matches paths by longest
    /// prefix, so <c>/jsonrpc</c> reaches the XML-RPC handler on <c>/</c>, which answers 200 <c>text/xml</c> with a
    /// failure (the body is not XML-RPC), not 404.
    /// </summary>
    public bool JsonRpcEnabled { get; set; } = true;

    /// <summary>Serves XML-RPC on <c>POST /</c> and <c>POST /RPC2</c>; false makes them 404.</summary>
    public bool XmlRpcEnabled { get; set; } = true;

    /// <summary>
    /// Whether the host has died without a word (see <see cref="SimulatedPool.BlackHole"/>): it accepts TCP connections
    /// but never completes a TLS handshake or answers a request, on new or existing connections.
    /// </summary>
    public bool IsBlackHoled => BlackHoled;

    /// <summary>
    /// While true the host's xapi is still starting: every RPC is refused before dispatch with
    /// <c>HOST_STILL_BOOTING</c> (in JSON-RPC the fallback reply: an array error and <c>"id": 0</c>, whatever the
    /// request's id and version). CONNECTs are not affected.
    /// </summary>
    public bool StillBooting { get; set; }

    /// <summary>Whether console locations on this host name the port (<c>https://HOST:PORT/…</c>) or not (<c>https://HOST/…</c>, i.e. 443).</summary>
    public bool LocationIncludesPort { get; set; } = true;

    internal volatile bool BlackHoled;

    /// <summary>The ref of the host's <c>Certificate</c> record (type <c>host</c>).</summary>
    internal string CertificateRef { get; }

    /// <summary>The ref of its pool-internal certificate record (type <c>host_internal</c>, 8.3 and later).</summary>
    internal string InternalCertificateRef { get; }

    /// <summary>The xapi version the pool runs (set when the pool starts).</summary>
    internal SimulatedXapiVersion Version { get; set; } = SimulatedXapiVersion.XcpNg83;

    /// <inheritdoc />
    public override string ToString() => NameLabel + " (" + FormatAuthority(includePort: true) + ")";

    /// <summary>HOST or HOST:PORT as a URL authority.</summary>
    internal string FormatAuthority(bool includePort)
    {
        string host = Address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + Address + "]" : Address.ToString();
        return includePort ? host + ":" + Port.ToString(CultureInfo.InvariantCulture) : host;
    }
}
