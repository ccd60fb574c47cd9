using System.Text;

namespace XcpTunnel.Simulator;

/// <summary>
/// The per-VM fields that make a VM record as large as a real one, made once per VM (a real <c>last_booted_record</c>
/// is the VM's whole record at its last boot, serialised: kilobytes of text).
/// </summary>
internal sealed class VmRecordPadding
{
    public VmRecordPadding(string uuid)
    {
        Vifs = [NewRef(), NewRef()];
        Vbds = [NewRef(), NewRef(), NewRef()];
        Metrics = NewRef();
        GuestMetrics = NewRef();
        OtherConfig = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["base_template_name"] = "Other install media",
            ["import_task"] = NewRef(),
            ["mac_seed"] = Guid.NewGuid().ToString(),
            ["install-methods"] = "cdrom",
            ["vgpu_pci"] = "",
            ["linux_template"] = "false",
            ["xo:resource:xva:version"] = "1.0",
        };
        var text = new StringBuilder("('struct' ('uuid' '").Append(uuid).Append("') ");
        foreach (var field in (string[])["name_label", "name_description", "power_state", "HVM_boot_policy", "platform", "other_config", "VCPUs_params", "bios_strings"])
        {
            text.Append("('").Append(field).Append("' '").Append(Guid.NewGuid().ToString("N")).Append(new string('x', 180)).Append("') ");
        }

        foreach (var reference in Vbds.Concat(Vifs))
        {
            text.Append("('device' '").Append(reference).Append("') ");
        }

        LastBootedRecord = text.Append(')').ToString();
    }

    public List<object?> Vifs { get; }

    public List<object?> Vbds { get; }

    public string Metrics { get; }

    public string GuestMetrics { get; }

    public Dictionary<string, object?> OtherConfig { get; }

    public string LastBootedRecord { get; }

    private static string NewRef() => "OpaqueRef:" + Guid.NewGuid().ToString();
}
