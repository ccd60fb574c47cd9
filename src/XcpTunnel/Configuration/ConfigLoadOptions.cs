using System.Net;

namespace XcpTunnel.Configuration;

/// <summary>What a command needs from the configuration, and the seams tests replace.</summary>
internal sealed record ConfigLoadOptions
{
    public static ConfigLoadOptions Default { get; } = new();

    /// <summary><c>serve</c> and <c>check</c> need a tunnel; <c>vms</c> and <c>trust</c> only need pools.</summary>
    public bool RequireTunnels { get; init; } = true;

    /// <summary>Resolves listen host names.</summary>
    public Func<string, IPAddress[]> ResolveHost { get; init; } = Dns.GetHostAddresses;

    /// <summary>Looks users and groups up for allow lists and socket groups.</summary>
    public Access.IUserDirectory Users { get; init; } = Access.UserDirectory.Default;
}
