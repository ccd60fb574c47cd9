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

    /// <summary>
    /// A VM record with the fields and, roughly, the size of a real one (about 5 KB as JSON, most of it
    /// <c>last_booted_record</c>, <c>recommendations</c>, <c>platform</c> and <c>other_config</c>): what makes a large
    /// pool's <c>VM.get_all_records</c> and <c>event.from</c> replies as big as they really are.
    /// </summary>
    public static Dictionary<string, object?> Vm(PoolDatabase db, SimulatedVm vm) => new(StringComparer.Ordinal)
    {
        ["uuid"] = vm.Uuid,
        ["name_label"] = vm.NameLabel,
        ["name_description"] = "",
        ["power_state"] = vm.PowerState.ToString(),
        ["resident_on"] = vm.ResidentOn?.Ref ?? NullRef,
        ["affinity"] = vm.HomeHost.Ref,
        ["scheduled_to_be_resident_on"] = NullRef,
        ["consoles"] = PoolDatabase.ConsolesOf(vm).Select(c => (object?)c.Ref).ToList(),
        ["is_a_template"] = false,
        ["is_default_template"] = false,
        ["is_a_snapshot"] = false,
        ["is_control_domain"] = false,
        ["domid"] = vm.DomId,
        ["domarch"] = "",
        ["user_version"] = 1L,
        ["memory_overhead"] = 11534336L,
        ["memory_target"] = 2147483648L,
        ["memory_static_max"] = 2147483648L,
        ["memory_dynamic_max"] = 2147483648L,
        ["memory_dynamic_min"] = 2147483648L,
        ["memory_static_min"] = 1073741824L,
        ["VCPUs_params"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["weight"] = "256", ["cap"] = "0" },
        ["VCPUs_max"] = 2L,
        ["VCPUs_at_startup"] = 2L,
        ["actions_after_shutdown"] = "destroy",
        ["actions_after_reboot"] = "restart",
        ["actions_after_crash"] = "restart",
        ["VIFs"] = vm.Padding.Vifs,
        ["VBDs"] = vm.Padding.Vbds,
        ["VUSBs"] = new List<object?>(),
        ["crash_dumps"] = new List<object?>(),
        ["VTPMs"] = new List<object?>(),
        ["PV_bootloader"] = "",
        ["PV_kernel"] = "",
        ["PV_ramdisk"] = "",
        ["PV_args"] = "",
        ["PV_bootloader_args"] = "",
        ["PV_legacy_args"] = "",
        ["HVM_boot_policy"] = "BIOS order",
        ["HVM_boot_params"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["order"] = "cdn", ["firmware"] = "bios" },
        ["HVM_shadow_multiplier"] = 1.0,
        ["platform"] = Platform,
        ["PCI_bus"] = "",
        ["other_config"] = vm.Padding.OtherConfig,
        ["last_boot_CPU_flags"] = CpuFlags,
        ["metrics"] = vm.Padding.Metrics,
        ["guest_metrics"] = vm.Padding.GuestMetrics,
        ["last_booted_record"] = vm.Padding.LastBootedRecord,
        ["recommendations"] = Recommendations,
        ["xenstore_data"] = new Dictionary<string, object?>(StringComparer.Ordinal) { ["vm-data"] = "", ["vm-data/mmio-hole-size"] = "268435456" },
        ["ha_always_run"] = false,
        ["ha_restart_priority"] = "",
        ["snapshot_of"] = NullRef,
        ["snapshots"] = new List<object?>(),
        ["snapshot_time"] = "19700101T00:00:00Z",
        ["transportable_snapshot_id"] = "",
        ["blobs"] = new Dictionary<string, object?>(StringComparer.Ordinal),
        ["tags"] = vm.Tags.Select(t => (object?)t).ToList(),
        ["blocked_operations"] = new Dictionary<string, object?>(StringComparer.Ordinal),
        ["snapshot_info"] = new Dictionary<string, object?>(StringComparer.Ordinal),
        ["snapshot_metadata"] = "",
        ["parent"] = NullRef,
        ["children"] = new List<object?>(),
        ["bios_strings"] = BiosStrings,
        ["protection_policy"] = NullRef,
        ["is_snapshot_from_vmpp"] = false,
        ["snapshot_schedule"] = NullRef,
        ["is_vmss_snapshot"] = false,
        ["appliance"] = NullRef,
        ["start_delay"] = 0L,
        ["shutdown_delay"] = 0L,
        ["order"] = 0L,
        ["VGPUs"] = new List<object?>(),
        ["attached_PCIs"] = new List<object?>(),
        ["suspend_SR"] = NullRef,
        ["suspend_VDI"] = NullRef,
        ["version"] = 0L,
        ["generation_id"] = "0:0",
        ["hardware_platform_version"] = 2L,
        ["has_vendor_device"] = false,
        ["requires_reboot"] = false,
        ["reference_label"] = "",
        ["domain_type"] = "hvm",
        ["NVRAM"] = new Dictionary<string, object?>(StringComparer.Ordinal),
        ["allowed_operations"] = AllowedOperations,
        ["current_operations"] = new Dictionary<string, object?>(StringComparer.Ordinal),
        ["pool"] = db.PoolRef,
    };

    private static readonly Dictionary<string, object?> Platform = new(StringComparer.Ordinal)
    {
        ["timeoffset"] = "0", ["videoram"] = "8", ["hpet"] = "true", ["secureboot"] = "false", ["device-model"] = "qemu-upstream-compat",
        ["apic"] = "true", ["device_id"] = "0001", ["vga"] = "std", ["nx"] = "true", ["pae"] = "true", ["viridian"] = "true", ["acpi"] = "1",
        ["cores-per-socket"] = "2", ["viridian_time_ref_count"] = "true", ["viridian_reference_tsc"] = "true",
    };

    private static readonly Dictionary<string, object?> BiosStrings = new(StringComparer.Ordinal)
    {
        ["bios-vendor"] = "Xen", ["bios-version"] = "", ["system-manufacturer"] = "Xen", ["system-product-name"] = "HVM domU",
        ["system-version"] = "", ["system-serial-number"] = "", ["baseboard-manufacturer"] = "", ["hp-rombios"] = "",
        ["oem-1"] = "Xen", ["oem-2"] = "MS_VM_CERT/SHA1/bdbeb6e0a816d43fa6d3fe8aaef04c2bad9d3e3d",
    };

    private static readonly List<object?> AllowedOperations =
        ["changing_dynamic_range", "migrate_send", "pool_migrate", "changing_VCPUs_live", "suspend", "hard_reboot", "hard_shutdown", "clean_reboot",
         "clean_shutdown", "pause", "checkpoint", "snapshot", "export", "copy", "snapshot_with_quiesce"];

    private const string CpuFlags = "vendor: GenuineIntel; features: 1fcbfbff-f7fa3223-2d93fbff-00000023-00000001-000007ab-00000000-00000000-00001000-ac000400-00000000-00000000-00000000-00000000-00000000-00000000-00000000-00000000";

    private const string Recommendations =
        "<restrictions><restriction field=\"memory-static-max\" max=\"1649267441664\"/><restriction field=\"vcpus-max\" max=\"32\"/>" +
        "<restriction field=\"has-vendor-device\" value=\"false\"/><restriction field=\"allow-gpu-passthrough\" value=\"1\"/>" +
        "<restriction field=\"allow-vgpu\" value=\"1\"/><restriction field=\"allow-network-sriov\" value=\"1\"/>" +
        "<restriction property=\"number-of-vbds\" max=\"255\"/><restriction property=\"number-of-vifs\" max=\"7\"/></restrictions>";

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
