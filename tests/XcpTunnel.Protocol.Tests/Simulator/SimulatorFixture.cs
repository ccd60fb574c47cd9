using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Simulator;

/// <summary>Starts a pool with test-friendly options (small login failure delay).</summary>
internal static class SimulatorFixture
{
    public static Task<SimulatedPool> StartAsync(int hostCount = 1, TimeSpan? headerTimeout = null, TimeProvider? time = null) =>
        SimulatedPool.StartAsync(
            new SimulatedPoolOptions
            {
                HostCount = hostCount,
                LoginFailureDelay = TimeSpan.FromMilliseconds(50),
                HeaderTimeout = headerTimeout ?? TimeSpan.FromSeconds(10),
                TimeProvider = time ?? TimeProvider.System,
            },
            CancellationToken.None).WaitAsync(RawHostClient.Timeout);

    /// <summary>A CONNECT line for <paramref name="vm"/>'s console location, HTTP/1.0 as the 2010 recipe sends it.</summary>
    public static string ConnectRequest(SimulatedVm vm, string sessionRef, string version = "1.0") =>
        $"CONNECT {new Uri(vm.ConsoleLocation!).PathAndQuery} HTTP/{version}\r\nHost: x\r\nCookie: session_id={sessionRef}\r\n\r\n";
}
