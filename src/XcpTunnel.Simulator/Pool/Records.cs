using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace XcpTunnel.Simulator;

/// <summary>
/// Object records as XAPI returns them from <c>get_record</c>. Values use the RPC value model (see
/// <see cref="Rpc.RpcValue"/>): <see cref="string"/>, <see cref="long"/> (int64: a digit string in XML-RPC, a number in
/// JSON-RPC), <see cref="bool"/>, lists and string-keyed maps. Call with the database lock held.
/// </summary>
internal static class Records
{
    public const string NullRef = "OpaqueRef:NULL";

    public static Dictionary<string, object?> Vm(PoolDatabase db, SimulatedVm vm) => new(StringComparer.Ordinal)
    {
        ["uuid"] = vm.Uuid,
        ["name_label"] = vm.NameLabel,
        ["name_description"] = "",
        ["power_state"] = vm.PowerState.ToString(),
        ["resident_on"] = vm.ResidentOn?.Ref ?? NullRef,
        ["affinity"] = vm.HomeHost.Ref,
        ["consoles"] = PoolDatabase.ConsolesOf(vm).Select(c => (object?)c.Ref).ToList(),
        ["is_a_template"] = false,
        ["is_a_snapshot"] = false,
        ["is_control_domain"] = false,
        ["domid"] = vm.DomId,
        ["other_config"] = new Dictionary<string, object?>(StringComparer.Ordinal),
        ["tags"] = new List<object?>(),
        ["allowed_operations"] = new List<object?>(),
        ["current_operations"] = new Dictionary<string, object?>(StringComparer.Ordinal),
        ["pool"] = db.PoolRef,
    };

    public static Dictionary<string, object?> Console(SimulatedConsole console) => new(StringComparer.Ordinal)
    {
        ["uuid"] = console.Uuid,
        ["protocol"] = console.Protocol,
        ["location"] = console.Location,
        ["VM"] = console.Vm.Ref,
        ["other_config"] = new Dictionary<string, object?>(StringComparer.Ordinal),
    };

    public static Dictionary<string, object?> Host(PoolDatabase db, SimulatedHost host) => new(StringComparer.Ordinal)
    {
        ["uuid"] = host.Uuid,
        ["name_label"] = host.NameLabel,
        ["name_description"] = "",
        ["hostname"] = host.NameLabel,
        ["address"] = host.Address.ToString(),
        ["enabled"] = true,
        ["API_version_major"] = 2L,
        ["API_version_minor"] = 21L,
        ["API_version_vendor"] = "XenSource",
        ["software_version"] = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["product_brand"] = "XCP-ng",
            ["product_version"] = "8.3.0",
            ["xapi"] = "24.19",
        },
        ["resident_VMs"] = db.Vms.Where(v => v.ResidentOn == host).Select(v => (object?)v.Ref).ToList(),
        ["certificates"] = CertificatesOf(host).Select(c => (object?)c.Ref).ToList(),
        ["other_config"] = new Dictionary<string, object?>(StringComparer.Ordinal),
    };

    /// <summary>
    /// The <c>Certificate</c> records of a host. 8.2 has one per host with <c>fingerprint</c> (SHA-256, colon hex);
    /// later versions name it <c>fingerprint_sha256</c> (with <c>fingerprint_sha1</c>), give each record a <c>type</c>,
    /// and add a <c>host_internal</c> certificate used between pool members only, which is not what clients see.
    /// </summary>
    public static IEnumerable<(string Ref, Dictionary<string, object?> Record)> CertificatesOf(SimulatedHost host)
    {
        var published = host.PublishedCertificate;
        if (host.Version == SimulatedXapiVersion.XcpNg82)
        {
            yield return (host.CertificateRef, new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["uuid"] = Uuid(host.CertificateRef),
                ["host"] = host.Ref,
                ["not_before"] = Iso8601(published.NotBefore),
                ["not_after"] = Iso8601(published.NotAfter),
                ["fingerprint"] = Fingerprint(published, HashAlgorithmName.SHA256),
            });
            yield break;
        }

        yield return (host.CertificateRef, Certificate(host, "host", published));
        yield return (host.InternalCertificateRef, Certificate(host, "host_internal", null));
    }

    private static Dictionary<string, object?> Certificate(SimulatedHost host, string type, X509Certificate2? certificate) =>
        new(StringComparer.Ordinal)
        {
            ["uuid"] = Uuid(type == "host" ? host.CertificateRef : host.InternalCertificateRef),
            ["name"] = "",
            ["type"] = type,
            ["host"] = host.Ref,
            ["not_before"] = Iso8601(certificate?.NotBefore ?? DateTime.UnixEpoch),
            ["not_after"] = Iso8601(certificate?.NotAfter ?? DateTime.UnixEpoch),
            // The internal certificate is another one altogether: a client that took it would pin the wrong thing.
            ["fingerprint_sha256"] = certificate is null ? OtherFingerprint(host, 32) : Fingerprint(certificate, HashAlgorithmName.SHA256),
            ["fingerprint_sha1"] = certificate is null ? OtherFingerprint(host, 20) : Fingerprint(certificate, HashAlgorithmName.SHA1),
        };

    /// <summary>xapi's fingerprint text: upper-case hex pairs joined by colons.</summary>
    private static string Fingerprint(X509Certificate2 certificate, HashAlgorithmName algorithm) =>
        string.Join(':', certificate.GetCertHash(algorithm).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    private static string OtherFingerprint(SimulatedHost host, int length) =>
        string.Join(':', SHA512.HashData(Encoding.UTF8.GetBytes(host.InternalCertificateRef))
            .Take(length).Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    private static string Iso8601(DateTime time) => time.ToUniversalTime().ToString("yyyyMMdd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Uuid(string opaqueRef) => opaqueRef["OpaqueRef:".Length..];

    public static Dictionary<string, object?> Pool(PoolDatabase db)
    {
        var record = PoolFields(db);
        if (db.Hosts.Count > 0 && db.Hosts[0].Version == SimulatedXapiVersion.XenServer8)
        {
            record["vm_console_idle_timeout"] = (long)db.VmConsoleIdleTimeout.TotalSeconds;
        }

        return record;
    }

    private static Dictionary<string, object?> PoolFields(PoolDatabase db) => new(StringComparer.Ordinal)
    {
        ["uuid"] = db.PoolUuid,
        ["name_label"] = "simulated pool",
        ["name_description"] = "",
        ["master"] = db.Coordinator.Ref,
        ["limit_console_sessions"] = db.LimitConsoleSessions,
        ["other_config"] = new Dictionary<string, object?>(StringComparer.Ordinal),
    };
}
