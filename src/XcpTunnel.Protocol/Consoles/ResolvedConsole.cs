using XcpTunnel.Protocol.Xapi.Records;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>A running VM and the RFB console to CONNECT to, as resolved just now.</summary>
/// <param name="Vm">The VM's record.</param>
/// <param name="Console">Its rfb console's record.</param>
/// <param name="Location">The parsed console location: the host to connect to and the CONNECT path.</param>
public sealed record ResolvedConsole(VmRecord Vm, ConsoleRecord Console, ConsoleLocation Location);
