using System.Net;
using System.Net.Sockets;

namespace XcpTunnel.Protocol.Tests.Support;

/// <summary>
/// Loopback ports for tests. Code under test that can bind port 0 and say what it bound should do that; these are for
/// the rest: a port that must refuse connections, or a port number a separate program (a peer, or the daemon, which
/// takes ports from its configuration) must be told before it binds.
/// </summary>
internal static class TestPorts
{
    private const int BindAttempts = 4;

    /// <summary>A loopback port nothing listens on (just released by the kernel): connecting to it is refused.</summary>
    public static int Free()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// Runs <paramref name="start"/>, which picks its ports with <see cref="Free"/> and starts what binds them, again
    /// with ports picked afresh when it failed because an address was in use: another process (this run's other
    /// tests, or anything else on the machine) may take a port between the pick and the bind.
    /// </summary>
    public static async Task<T> BindingAsync<T>(Func<Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start();
            }
            catch (Exception ex) when (attempt < BindAttempts && IsAddressInUse(ex))
            {
                // A port was taken meanwhile: pick again.
            }
        }
    }

    private static bool IsAddressInUse(Exception ex) =>
        ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
        || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase)
        || (ex.InnerException is { } inner && IsAddressInUse(inner));
}
