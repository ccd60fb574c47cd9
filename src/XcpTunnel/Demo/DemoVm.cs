using XcpTunnel.Simulator;

namespace XcpTunnel.Demo;

/// <summary>One VM of the demo pool and the tunnel to it.</summary>
/// <param name="Name">Its name-label, also the tunnel's name.</param>
/// <param name="Kind">What a viewer gets, for the printed instructions.</param>
/// <param name="PowerState">Running, or not (to show the reason a viewer is told).</param>
/// <param name="HostIndex">Which host it runs on.</param>
/// <param name="Backend">What serves its console; null when it is not running.</param>
internal sealed record DemoVm(string Name, string Kind, SimulatedPowerState PowerState, int HostIndex, Func<ConsoleBackend>? Backend);
