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
        ["other_config"] = new Dictionary<string, object?>(StringComparer.Ordinal),
    };

    public static Dictionary<string, object?> Pool(PoolDatabase db) => new(StringComparer.Ordinal)
    {
        ["uuid"] = db.PoolUuid,
        ["name_label"] = "simulated pool",
        ["name_description"] = "",
        ["master"] = db.Coordinator.Ref,
        ["limit_console_sessions"] = db.LimitConsoleSessions,
        ["other_config"] = new Dictionary<string, object?>(StringComparer.Ordinal),
    };
}
