namespace XcpTunnel.Simulator;

/// <summary>
/// The pool's object tables (hosts, VMs, consoles) and its event log. One lock guards everything: the simulator
/// is small, and one lock keeps every RPC answer a consistent snapshot, like xapi's database.
/// </summary>
internal sealed class PoolDatabase
{
    private readonly List<SimulatedHost> _hosts = [];
    private readonly Dictionary<string, SimulatedVm> _vmsByRef = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedConsole> _consolesByRef = new(StringComparer.Ordinal);
    private long _nextDomId = 1;

    public PoolDatabase(TimeProvider timeProvider) => Events = new EventLog(timeProvider);

    public Lock Sync { get; } = new();

    public string PoolUuid { get; } = Guid.NewGuid().ToString();

    public string PoolRef { get; } = "OpaqueRef:" + Guid.NewGuid().ToString();

    public EventLog Events { get; }

    public bool LimitConsoleSessions { get; set; }

    /// <summary><c>pool.vm_console_idle_timeout</c> (xapi 26.1); zero means never.</summary>
    public TimeSpan VmConsoleIdleTimeout { get; set; }

    /// <summary>Guarded by <see cref="Sync"/>.</summary>
    public SimulatedHost Coordinator { get; private set; } = null!;

    public IReadOnlyList<SimulatedHost> Hosts => _hosts;

    public IEnumerable<SimulatedVm> Vms => _vmsByRef.Values;

    public IEnumerable<SimulatedConsole> Consoles => _consolesByRef.Values;

    public void AddHost(SimulatedHost host)
    {
        lock (Sync)
        {
            _hosts.Add(host);
            Coordinator ??= host;
            Events.Append(EventLog.HostClass, EventLog.Add, host.Ref, Records.Host(this, host));
        }
    }

    public void SetCoordinator(SimulatedHost host) => ChangePool(pool =>
    {
        if (!pool._hosts.Contains(host))
        {
            throw new ArgumentException($"{host} is not a host of this pool.", nameof(host));
        }

        pool.Coordinator = host;
    });

    /// <summary>Changes a field of the pool record; event watchers of the pool class see the mod, as with xapi's <c>pool.set_*</c>.</summary>
    public void ChangePool(Action<PoolDatabase> change)
    {
        lock (Sync)
        {
            change(this);
            Events.Append(EventLog.PoolClass, EventLog.Mod, PoolRef, Records.Pool(this));
        }
    }

    public void AddVm(SimulatedVm vm, SimulatedPowerState powerState)
    {
        lock (Sync)
        {
            if (_vmsByRef.Values.Any(v => string.Equals(v.Uuid, vm.Uuid, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"A VM with uuid {vm.Uuid} exists already.", nameof(vm));
            }

            _vmsByRef.Add(vm.Ref, vm);
            vm.PowerState = powerState;
            Events.Append(EventLog.VmClass, EventLog.Add, vm.Ref, Records.Vm(this, vm));
            if (powerState is SimulatedPowerState.Running or SimulatedPowerState.Paused)
            {
                Place(vm, vm.HomeHost);
            }
        }
    }

    public void Migrate(SimulatedVm vm, SimulatedHost destination)
    {
        lock (Sync)
        {
            RequireVm(vm);
            if (!_hosts.Contains(destination))
            {
                throw new ArgumentException($"{destination} is not a host of this pool.", nameof(destination));
            }

            if (vm.ResidentOn is null)
            {
                throw new InvalidOperationException($"VM {vm} is {vm.PowerState}: only a resident VM can migrate.");
            }

            vm.HomeHost = destination;
            Unplace(vm);
            Place(vm, destination);
        }
    }

    /// <summary>
    /// A reboot: the VM stays Running and resident (xapi has no rebooting power state), its consoles are deleted and
    /// its domain gets a new domid; the new domain's consoles come now or, later, from <see cref="AddConsoles"/>.
    /// </summary>
    public void Reboot(SimulatedVm vm, ConsoleBackend? backend, bool withConsoles)
    {
        lock (Sync)
        {
            RequireVm(vm);
            SimulatedHost host = vm.ResidentOn ?? vm.HomeHost;
            DeleteConsoles(vm);
            vm.PowerState = SimulatedPowerState.Running;
            vm.ResidentOn = host;
            vm.DomId = _nextDomId++;
            vm.Backend = backend ?? vm.Backend;
            if (withConsoles)
            {
                CreateConsoles(vm, host);
            }
            else
            {
                VmChanged(vm);
            }
        }
    }

    public void SetPowerState(SimulatedVm vm, SimulatedPowerState state)
    {
        lock (Sync)
        {
            RequireVm(vm);
            bool resident = state is SimulatedPowerState.Running or SimulatedPowerState.Paused;
            vm.PowerState = state;
            if (!resident)
            {
                Unplace(vm);
            }
            else if (vm.ResidentOn is null)
            {
                Place(vm, vm.HomeHost);
            }
            else
            {
                VmChanged(vm);
            }
        }
    }

    /// <summary>
    /// Starts a halted VM on its home host as xapi reports it while xenopsd builds the domain: Running and resident,
    /// but with no console objects yet. <see cref="AddConsoles"/> adds them.
    /// </summary>
    public void StartWithoutConsoles(SimulatedVm vm) => ChangeVm(vm, vm =>
    {
        if (vm.ResidentOn is not null)
        {
            throw new InvalidOperationException($"VM {vm} is {vm.PowerState} already.");
        }

        vm.PowerState = SimulatedPowerState.Running;
        vm.ResidentOn = vm.HomeHost;
        vm.DomId = _nextDomId++;
    });

    /// <summary>Creates the consoles of a VM started by <see cref="StartWithoutConsoles"/>, if it still runs without.</summary>
    public void AddConsoles(SimulatedVm vm)
    {
        lock (Sync)
        {
            if (vm.ResidentOn is { } host && vm.RfbConsole is null && vm.PowerState == SimulatedPowerState.Running)
            {
                CreateConsoles(vm, host);
            }
        }
    }

    public void Rename(SimulatedVm vm, string nameLabel) => ChangeVm(vm, vm => vm.NameLabel = nameLabel);

    public void SetTags(SimulatedVm vm, Func<IReadOnlyList<string>, IReadOnlyList<string>> change) => ChangeVm(vm, vm => vm.Tags = change(vm.Tags));

    /// <summary>Changes a VM of this pool; event watchers of the VM class see the mod (none when the change throws).</summary>
    private void ChangeVm(SimulatedVm vm, Action<SimulatedVm> change)
    {
        lock (Sync)
        {
            RequireVm(vm);
            change(vm);
            VmChanged(vm);
        }
    }

    private void VmChanged(SimulatedVm vm) => Events.Append(EventLog.VmClass, EventLog.Mod, vm.Ref, Records.Vm(this, vm));

    /// <summary>xapi's <c>VM.destroy</c>: only a VM with no domain (Halted or Suspended); its record is deleted.</summary>
    public void Destroy(SimulatedVm vm)
    {
        lock (Sync)
        {
            RequireVm(vm);
            if (vm.ResidentOn is not null)
            {
                throw new InvalidOperationException($"VM {vm} is {vm.PowerState}: xapi destroys only a halted VM (VM_BAD_POWER_STATE).");
            }

            _vmsByRef.Remove(vm.Ref);
            Events.Append(EventLog.VmClass, EventLog.Del, vm.Ref, Records.Vm(this, vm));
        }
    }

    public void LoseEvents()
    {
        lock (Sync)
        {
            Events.LoseAll();
        }
    }

    public SimulatedVm? FindVmByRef(string opaqueRef) => _vmsByRef.GetValueOrDefault(opaqueRef);

    public SimulatedVm? FindVmByUuid(string uuid) =>
        _vmsByRef.Values.FirstOrDefault(v => string.Equals(v.Uuid, uuid, StringComparison.OrdinalIgnoreCase));

    public SimulatedConsole? FindConsoleByRef(string opaqueRef) => _consolesByRef.GetValueOrDefault(opaqueRef);

    public SimulatedConsole? FindConsoleByUuid(string uuid) =>
        _consolesByRef.Values.FirstOrDefault(c => string.Equals(c.Uuid, uuid, StringComparison.OrdinalIgnoreCase));

    public SimulatedHost? FindHostByRef(string opaqueRef) => _hosts.FirstOrDefault(h => h.Ref == opaqueRef);

    /// <summary>The VM's consoles in <c>VM.consoles</c> order: vt100 first, so a client has to pick by protocol.</summary>
    public static IEnumerable<SimulatedConsole> ConsolesOf(SimulatedVm vm)
    {
        if (vm.Vt100Console is { } vt100)
        {
            yield return vt100;
        }

        if (vm.RfbConsole is { } rfb)
        {
            yield return rfb;
        }
    }

    private void RequireVm(SimulatedVm vm)
    {
        ArgumentNullException.ThrowIfNull(vm);
        if (!_vmsByRef.ContainsKey(vm.Ref))
        {
            throw new ArgumentException($"VM {vm} is not part of this pool.", nameof(vm));
        }
    }

    /// <summary>Starts the VM's domain on <paramref name="host"/>: new domid, new console objects there.</summary>
    private void Place(SimulatedVm vm, SimulatedHost host)
    {
        vm.ResidentOn = host;
        vm.DomId = _nextDomId++;
        CreateConsoles(vm, host);
    }

    private void CreateConsoles(SimulatedVm vm, SimulatedHost host)
    {
        vm.Vt100Console = new SimulatedConsole(vm, host, SimulatedConsole.Vt100);
        vm.RfbConsole = new SimulatedConsole(vm, host, SimulatedConsole.Rfb);
        foreach (SimulatedConsole console in ConsolesOf(vm))
        {
            _consolesByRef.Add(console.Ref, console);
            Events.Append(EventLog.ConsoleClass, EventLog.Add, console.Ref, Records.Console(console));
        }

        VmChanged(vm);
    }

    private void DeleteConsoles(SimulatedVm vm)
    {
        foreach (SimulatedConsole console in ConsolesOf(vm).ToList())
        {
            _consolesByRef.Remove(console.Ref);
            Events.Append(EventLog.ConsoleClass, EventLog.Del, console.Ref, Records.Console(console));
        }

        vm.RfbConsole = null;
        vm.Vt100Console = null;
    }

    /// <summary>Destroys the VM's domain: its consoles are deleted and it is resident nowhere.</summary>
    private void Unplace(SimulatedVm vm)
    {
        DeleteConsoles(vm);
        vm.ResidentOn = null;
        vm.DomId = -1;
        VmChanged(vm);
    }
}
