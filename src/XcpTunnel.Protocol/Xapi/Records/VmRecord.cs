using System.Text.Json.Nodes;
using XcpTunnel.Protocol.Xapi.Rpc;

namespace XcpTunnel.Protocol.Xapi.Records;

/// <summary>The fields of a <c>VM</c> record that console access needs.</summary>
/// <param name="Ref">The VM's opaque reference (not a secret).</param>
/// <param name="Uuid">The VM's UUID.</param>
/// <param name="NameLabel">The VM's name.</param>
/// <param name="PowerState">On the wire: <c>Halted</c>, <c>Paused</c>, <c>Running</c> or <c>Suspended</c>.</param>
/// <param name="ResidentOn">The host ref it runs on, <c>OpaqueRef:NULL</c> when not running.</param>
/// <param name="Consoles">Console refs; consoles exist only while the VM runs.</param>
/// <param name="IsTemplate">Templates share names with VMs but are never consoles.</param>
/// <param name="IsSnapshot">Snapshots, likewise.</param>
/// <param name="IsControlDomain">dom0: its console needs pool-admin rights.</param>
public sealed record VmRecord(
    string Ref,
    string Uuid,
    string NameLabel,
    string PowerState,
    string ResidentOn,
    IReadOnlyList<string> Consoles,
    bool IsTemplate,
    bool IsSnapshot,
    bool IsControlDomain)
{
    /// <summary>The power state in which a VM has a console.</summary>
    public const string Running = "Running";

    /// <summary>The null reference: <see cref="ResidentOn"/> of a VM that is not running.</summary>
    public const string NullRef = "OpaqueRef:NULL";

    /// <summary>The fields read, all others skipped as the reply streams in.</summary>
    internal static readonly string[] Fields =
        ["uuid", "name_label", "power_state", "resident_on", "consoles", "is_a_template", "is_a_snapshot", "is_control_domain", "tags"];

    /// <summary>The VM's <c>tags</c>: free strings users set (<c>xe vm-param-add … param-name=tags</c>), compared exactly.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    internal static VmRecord Parse(string reference, JsonNode? node)
    {
        var record = node.GetXapiObject("a VM record");
        return new VmRecord(
            reference,
            Field(record, "uuid").GetXapiString("VM uuid"),
            Field(record, "name_label").GetXapiString("VM name_label"),
            Field(record, "power_state").GetXapiString("VM power_state"),
            Field(record, "resident_on").GetXapiString("VM resident_on"),
            Field(record, "consoles").GetXapiStringArray("VM consoles"),
            Flag(record, "is_a_template"),
            Flag(record, "is_a_snapshot"),
            Flag(record, "is_control_domain"))
        {
            // Absent from records written by hand in tests of older callers; every xapi has it.
            Tags = record["tags"] is { } tags ? tags.GetXapiStringArray("VM tags") : [],
        };
    }

    private static JsonNode? Field(JsonObject record, string name) => record.GetXapiMember(name, "a VM record");

    // Flags absent from older hosts' records count as false.
    private static bool Flag(JsonObject record, string name) => record[name] is { } value && value.GetXapiBool($"VM {name}");
}
