using System.Collections.Concurrent;
using XcpTunnel.Simulator.Backends.Screens;

namespace XcpTunnel.Simulator.Backends;

/// <summary>
/// qemu's VNC server (docs/xapi-console-protocol.md, "RFB from the consoles"): greets with 3.8 and accepts 3.3 to 3.8 (3.3: u32 type 1; 3.7: list [1], no
/// SecurityResult; 3.8: list [1], the client's choice, SecurityResult 0). A ClientInit with shared-flag 0
/// disconnects every other viewer of the VM.
/// </summary>
internal sealed class QemuBackend(Func<SimulatedVm, ConsoleScreen> openScreen, Func<Stream, CancellationToken, Task>? session = null)
    : RfbBackend(openScreen, RfbPixelFormat.Rgb888, session)
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<CancellationTokenSource, byte>> _viewersByVm = new(StringComparer.Ordinal);

    private protected override async Task<bool> NegotiateAsync(Stream viewer, CancellationToken cancellationToken)
    {
        await viewer.WriteAsync("RFB 003.008\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
        (int major, int minor) = await ReadProtocolVersionAsync(viewer, cancellationToken).ConfigureAwait(false);
        if (major != 3 || minor is < 3 or > 8)
        {
            return false;
        }

        if (minor < 7)
        {
            // RFC 6143 §7.1.1: unknown minors below 7 are treated as 3.3.
            await WriteU32Async(viewer, 1, cancellationToken).ConfigureAwait(false);
            return true;
        }

        await viewer.WriteAsync(new byte[] { 1, 1 }, cancellationToken).ConfigureAwait(false);
        await viewer.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (minor == 7)
        {
            // 3.7 has no SecurityResult for None; the client still sends its choice.
            byte[] choice37 = new byte[1];
            await viewer.ReadExactlyAsync(choice37, cancellationToken).ConfigureAwait(false);
            return choice37[0] == 1;
        }

        byte[] choice = new byte[1];
        await viewer.ReadExactlyAsync(choice, cancellationToken).ConfigureAwait(false);
        if (choice[0] != 1)
        {
            return false;
        }

        await WriteU32Async(viewer, 0, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private protected override string DesktopName(SimulatedVm vm) => "QEMU (" + vm.NameLabel + ")";

    private protected override IDisposable? OnClientInit(SimulatedVm vm, bool shared, CancellationTokenSource viewer)
    {
        ConcurrentDictionary<CancellationTokenSource, byte> viewers = _viewersByVm.GetOrAdd(vm.Ref, _ => new());
        if (!shared)
        {
            foreach (CancellationTokenSource other in viewers.Keys)
            {
                try
                {
                    other.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // That viewer left meanwhile.
                }
            }
        }

        viewers.TryAdd(viewer, 0);
        return new Registration(viewers, viewer);
    }

    private sealed class Registration(ConcurrentDictionary<CancellationTokenSource, byte> viewers, CancellationTokenSource viewer) : IDisposable
    {
        public void Dispose() => viewers.TryRemove(viewer, out _);
    }
}
