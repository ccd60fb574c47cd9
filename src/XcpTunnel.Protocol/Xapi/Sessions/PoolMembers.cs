using System.Net;
using XcpTunnel.Protocol.Tls;

namespace XcpTunnel.Protocol.Xapi.Sessions;

/// <summary>One host of a pool, as the pool's own records describe it.</summary>
/// <param name="Ref">The host's opaque reference (not a secret).</param>
/// <param name="NameLabel">The host's name.</param>
/// <param name="Address">Its management address (<c>host.address</c>): what console locations and failover use.</param>
/// <param name="Certificate">
/// The SHA-256 fingerprint of the TLS certificate the pool says the host serves, when the pool publishes one
/// (<c>Certificate</c> records or <c>host.get_server_certificate</c>); null when unknown.
/// </param>
public sealed record PoolMember(string Ref, string NameLabel, string Address, CertificateFingerprint? Certificate);

/// <summary>
/// What a pool's coordinator said about its hosts, kept across coordinator failures: where each host is (so the
/// session can fail over to a survivor without an operator, docs/xapi-console-protocol.md "Coordinator failover")
/// and which certificate each serves (so a member reached by IP can be verified by what the verified coordinator
/// published, "Certificates of members"). Thread-safe; replaced whole, never mutated in place.
/// </summary>
public sealed class PoolMembers
{
    private readonly Lock _writes = new();
    private volatile IReadOnlyDictionary<string, PoolMember> _byRef = new Dictionary<string, PoolMember>(StringComparer.Ordinal);

    /// <summary>Every host known now.</summary>
    public IReadOnlyCollection<PoolMember> All => [.. _byRef.Values];

    /// <summary>The host with reference <paramref name="hostRef"/>, if known.</summary>
    public PoolMember? Find(string hostRef) => _byRef.GetValueOrDefault(hostRef);

    /// <summary>The host whose management address is <paramref name="address"/> (an IP literal, compared as an address, or a name).</summary>
    public PoolMember? FindByAddress(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var parsed = IPAddress.TryParse(address.Trim('[', ']'), out var ip) ? ip : null;
        foreach (var member in _byRef.Values)
        {
            if (parsed is not null
                ? IPAddress.TryParse(member.Address.Trim('[', ']'), out var other) && other.Equals(parsed)
                : string.Equals(member.Address, address, StringComparison.OrdinalIgnoreCase))
            {
                return member;
            }
        }

        return null;
    }

    /// <summary>Replaces everything with what the coordinator said just now.</summary>
    internal void Replace(IEnumerable<PoolMember> members) =>
        _byRef = members.ToDictionary(m => m.Ref, StringComparer.Ordinal);

    /// <summary>Adds or changes one host (an event), keeping its certificate when the change does not say.</summary>
    internal void Update(PoolMember member)
    {
        lock (_writes)
        {
            var next = new Dictionary<string, PoolMember>(_byRef, StringComparer.Ordinal);
            next[member.Ref] = member.Certificate is null && next.TryGetValue(member.Ref, out var known)
                ? member with { Certificate = known.Certificate }
                : member;
            _byRef = next;
        }
    }

    /// <summary>Forgets a host (ejected from the pool).</summary>
    internal void Remove(string hostRef)
    {
        lock (_writes)
        {
            var next = new Dictionary<string, PoolMember>(_byRef, StringComparer.Ordinal);
            next.Remove(hostRef);
            _byRef = next;
        }
    }
}
