namespace XcpTunnel.Protocol.Consoles;

/// <summary>Why a VM's console could not be found.</summary>
public enum ConsoleResolutionFailure
{
    /// <summary>No VM has that name or UUID.</summary>
    VmNotFound,

    /// <summary>The name matches several VMs; the message lists their UUIDs.</summary>
    VmAmbiguous,

    /// <summary>The VM is not Running (a halted VM has no console).</summary>
    VmNotRunning,

    /// <summary>The VM has no <c>rfb</c> console.</summary>
    NoRfbConsole,

    /// <summary>The VM is Running but has no console object yet: xenopsd is still building its domain.</summary>
    ConsoleNotReady,

    /// <summary>XAPI gave a console location that is not a URL.</summary>
    MalformedLocation,
}

/// <summary>A VM's console could not be resolved; the message is fit for a viewer.</summary>
public sealed class ConsoleResolutionException : XcpTunnelException
{
    /// <summary>Creates the exception.</summary>
    public ConsoleResolutionException(ConsoleResolutionFailure failure, string message)
        : base(message)
    {
        Failure = failure;
    }

    /// <summary>What failed.</summary>
    public ConsoleResolutionFailure Failure { get; }

    /// <summary>For <see cref="ConsoleResolutionFailure.VmAmbiguous"/>: the UUIDs of the VMs the name matches.</summary>
    public IReadOnlyList<string> CandidateUuids { get; init; } = [];

    /// <summary>For <see cref="ConsoleResolutionFailure.VmNotRunning"/>: the VM's power state.</summary>
    public string? PowerState { get; init; }
}
