using System.Text.Json.Serialization;

namespace XcpTunnel.Health;

/// <summary>One tunnel as <c>GET /tunnels</c> shows it. Holds no session reference and no password, by construction.</summary>
/// <param name="Name">The key under <c>Tunnels</c>.</param>
/// <param name="Listen">Every address the tunnel listens on, as bound.</param>
/// <param name="Pool">The pool's name.</param>
/// <param name="Vm">The VM as configured (name-label or UUID).</param>
/// <param name="ActiveConnections">Viewers connected now.</param>
/// <param name="TotalConnections">Viewers accepted since the start.</param>
/// <param name="PoolLoggedIn">Whether the daemon holds a live XAPI session for the pool.</param>
/// <param name="Outcomes">How the tunnel's connections ended, by the outcome labels of the log and the metrics.</param>
/// <param name="VmName">The VM's name-label for a generated tunnel (whose <paramref name="Vm"/> is its UUID), else as configured.</param>
/// <param name="Generated">Whether its pool's <c>AutoTunnels</c> generated it.</param>
internal sealed record TunnelStatus(
    string Name,
    IReadOnlyList<string> Listen,
    string Pool,
    string Vm,
    int ActiveConnections,
    long TotalConnections,
    bool PoolLoggedIn,
    IReadOnlyDictionary<string, long> Outcomes,
    string VmName,
    bool Generated);

/// <summary>Source-generated JSON for the health endpoint: no reflection, so the daemon stays trimmable.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(IReadOnlyList<TunnelStatus>))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
