using System.Net;

namespace XcpTunnel.Simulator;

/// <summary>What a certificate factory needs to know about the host it makes a certificate for.</summary>
/// <param name="NameLabel">The host's name (<c>host1</c> …): the default certificate's CN and DNS SAN.</param>
/// <param name="Address">The address the host listens on: the default certificate's IP SAN.</param>
public sealed record SimulatedHostIdentity(string NameLabel, IPAddress Address);
