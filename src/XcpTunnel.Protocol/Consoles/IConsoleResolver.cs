using XcpTunnel.Protocol.Xapi.Sessions;

namespace XcpTunnel.Protocol.Consoles;

/// <summary>
/// Finds a VM's RFB console in one pool. <see cref="ConsoleResolver"/> asks XAPI every time;
/// <see cref="ConsoleCache"/> answers from a table kept current by <c>event.from</c> and asks XAPI only
/// when the table cannot answer. Both give the same answers and the same errors.
/// </summary>
public interface IConsoleResolver
{
    /// <summary>The pool whose VMs this resolves, and whose session and TLS settings reach its consoles.</summary>
    XapiPoolSession Pool { get; }

    /// <summary>Resolves <paramref name="vm"/>: a UUID (recognised by its format) or a name-label.</summary>
    /// <exception cref="ConsoleResolutionException">No such VM, several, not running, or no rfb console.</exception>
    Task<ResolvedConsole> ResolveAsync(string vm, CancellationToken cancellationToken);
}
