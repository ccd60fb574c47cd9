namespace XcpTunnel.Simulator;

/// <summary>A console object. Destroyed and recreated (new uuid and ref) on reboot and migration, like xapi's.</summary>
internal sealed class SimulatedConsole(SimulatedVm vm, SimulatedHost host, string protocol)
{
    public const string Rfb = "rfb";
    public const string Vt100 = "vt100";

    public string Uuid { get; } = Guid.NewGuid().ToString();

    public string Ref { get; } = "OpaqueRef:" + Guid.NewGuid().ToString();

    public SimulatedVm Vm { get; } = vm;

    /// <summary>The host whose <c>/console</c> handler serves it: the one in <see cref="Location"/>.</summary>
    public SimulatedHost Host { get; } = host;

    public string Protocol { get; } = protocol;

    public string Location =>
        "https://" + Host.FormatAuthority(Host.LocationIncludesPort) + "/console?" +
        (Vm.LocationForm == ConsoleLocationForm.Uuid ? "uuid=" + Uuid : "ref=" + Ref);
}
