using Microsoft.Extensions.Logging;
using XcpTunnel.Simulator.Connect;

namespace XcpTunnel.Simulator;

/// <summary>Everything the per-connection code of a pool needs, in one place.</summary>
internal sealed class PoolContext
{
    public PoolContext(SimulatedPoolOptions options, ILogger logger)
    {
        Options = options;
        Logger = logger;
        Database = new PoolDatabase(options.TimeProvider);
        Sessions = new SessionTable(options, Counters);
    }

    public SimulatedPoolOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider => Options.TimeProvider;

    public SimulatedCounters Counters { get; } = new();

    public SimulatedFaults Faults { get; } = new();

    public PoolDatabase Database { get; }

    public SessionTable Sessions { get; }

    public TunnelRegistry Tunnels { get; } = new();
}
