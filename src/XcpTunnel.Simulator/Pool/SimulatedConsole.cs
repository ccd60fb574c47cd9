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

    /// <summary>The <c>location</c> field, in the form the VM asks for (see <see cref="ConsoleLocationForm"/>).</summary>
    public string Location => Vm.LocationForm switch
    {
        ConsoleLocationForm.Empty => "",
        ConsoleLocationForm.EmptyHost => "https:///console?ref=" + Ref,
        ConsoleLocationForm.Ref => "https://" + Authority + "/console?ref=" + Ref,
        _ => "https://" + Authority + "/console?uuid=" + Uuid,
    };

    // 8.2 wrote "https://%s/console?…" with the bare address: an IPv6 host's location is then not a URI.
    private string Authority =>
        Host.Version == SimulatedXapiVersion.XcpNg82 && Host.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? Host.Address.ToString()
            : Host.FormatAuthority(Host.LocationIncludesPort);
}
