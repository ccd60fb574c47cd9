namespace XcpTunnel.Simulator;

/// <summary>
/// A VM of a <see cref="SimulatedPool"/>. Change it through the pool (<see cref="SimulatedPool.Migrate"/>,
/// <see cref="SimulatedPool.Reboot"/>, <see cref="SimulatedPool.SetPowerState"/>) so events and consoles follow.
/// </summary>
public sealed class SimulatedVm
{
    internal SimulatedVm(string uuid, string nameLabel, ConsoleBackend backend, ConsoleLocationForm locationForm, SimulatedHost homeHost)
    {
        Uuid = uuid;
        Ref = "OpaqueRef:" + Guid.NewGuid().ToString();
        NameLabel = nameLabel;
        Backend = backend;
        LocationForm = locationForm;
        HomeHost = homeHost;
    }

    private VmRecordPadding? _padding;

    /// <summary>The VM's <c>uuid</c>.</summary>
    public string Uuid { get; }

    /// <summary>The VM's <c>OpaqueRef:…</c>.</summary>
    public string Ref { get; }

    /// <summary>The VM's <c>name_label</c> (several VMs may share one); change it with <see cref="SimulatedPool.Rename"/>.</summary>
    public string NameLabel { get; internal set; }

    /// <summary>The VM's <c>tags</c>, a set of user-chosen strings; change them with <see cref="SimulatedPool.AddTag"/> and <see cref="SimulatedPool.RemoveTag"/>.</summary>
    public IReadOnlyList<string> Tags { get; internal set; } = [];

    /// <summary>The current <c>power_state</c>.</summary>
    public SimulatedPowerState PowerState { get; internal set; }

    /// <summary>The host the VM runs on; null (<c>OpaqueRef:NULL</c> on the wire) when Halted or Suspended.</summary>
    public SimulatedHost? ResidentOn { get; internal set; }

    /// <summary>The <c>uuid</c> of the current <c>rfb</c> console; changes on reboot and migration.</summary>
    public string? ConsoleUuid => RfbConsole?.Uuid;

    /// <summary>The <c>OpaqueRef:…</c> of the current <c>rfb</c> console.</summary>
    public string? ConsoleRef => RfbConsole?.Ref;

    /// <summary>The current <c>rfb</c> console's <c>location</c>.</summary>
    public string? ConsoleLocation => RfbConsole?.Location;

    /// <summary>The <c>OpaqueRef:…</c> of the VM's <c>vt100</c> console (listed first, so clients must pick by protocol).</summary>
    public string? Vt100ConsoleRef => Vt100Console?.Ref;

    /// <summary>What serves the VM's rfb console; a reboot may bring another (<see cref="SimulatedPool.Reboot"/>).</summary>
    public ConsoleBackend Backend { get; internal set; }

    /// <summary>Which location form the VM's consoles use.</summary>
    public ConsoleLocationForm LocationForm { get; }

    /// <summary>The <c>domid</c>: positive while resident, -1 otherwise.</summary>
    public long DomId { get; internal set; } = -1;

    /// <summary>
    /// When the VM last rebooted or started (on the pool's clock); null for a VM running since it was added. A test
    /// card's console shows boot text for a few seconds after it (<see cref="ConsoleBackend.QemuTestCard"/>).
    /// </summary>
    public DateTimeOffset? BootedAt { get; internal set; }

    /// <inheritdoc />
    public override string ToString() => NameLabel + " (" + Uuid + ")";

    internal SimulatedConsole? RfbConsole { get; set; }

    /// <summary>What makes its record as large as a real one.</summary>
    internal VmRecordPadding Padding => _padding ??= new VmRecordPadding(Uuid);

    internal SimulatedConsole? Vt100Console { get; set; }

    /// <summary>
    /// What the guest does when a viewer presses Ctrl+Alt+Del on its console; null (the default) ignores it, as a
    /// guest that maps the keys to nothing does. Set by <see cref="SimulatedPool.RebootOnCtrlAltDel"/>.
    /// </summary>
    internal Action? CtrlAltDel { get; set; }

    /// <summary>
    /// What happens when a fault destroys the VM's domain in the middle of an update
    /// (<see cref="SimulatedFaults.CutNextUpdate"/>): the pool reboots it, so its console objects are replaced.
    /// </summary>
    internal Action? DomainDestroyed { get; set; }

    /// <summary>The fault knobs of the VM's pool, which its console backend obeys.</summary>
    internal SimulatedFaults? Faults { get; set; }

    /// <summary>Where the VM starts when it goes from Halted/Suspended to Running.</summary>
    internal SimulatedHost HomeHost { get; set; }
}
