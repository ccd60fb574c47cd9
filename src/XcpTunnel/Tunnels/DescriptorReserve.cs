using Microsoft.Win32.SafeHandles;

namespace XcpTunnel.Tunnels;

/// <summary>
/// One descriptor held open for the day the process runs out: letting it go makes room to accept one waiting viewer
/// and tell it why, where otherwise accept would fail on and on with the viewers stuck in the backlog.
/// </summary>
internal sealed class DescriptorReserve
{
    private readonly Lock _gate = new();
    private SafeFileHandle? _held;

    private DescriptorReserve() => TryTake();

    /// <summary>The process's reserve, shared by every listener.</summary>
    public static DescriptorReserve Shared { get; } = new();

    /// <summary>Closes the reserved descriptor; false when another listener is using it already.</summary>
    public bool TryRelease()
    {
        lock (_gate)
        {
            if (_held is null)
            {
                return false;
            }

            _held.Dispose();
            _held = null;
            return true;
        }
    }

    /// <summary>Opens the reserved descriptor again, if it is not held and one is free.</summary>
    public void TryTake()
    {
        lock (_gate)
        {
            if (_held is not null)
            {
                return;
            }

            try
            {
                _held = File.OpenHandle("/dev/null");
            }
            catch (IOException)
            {
                // Still out of descriptors: the next release attempt finds none held and the loop backs off.
            }
        }
    }
}
