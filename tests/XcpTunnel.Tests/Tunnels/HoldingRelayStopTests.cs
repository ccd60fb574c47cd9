using System.Buffers.Binary;
using Microsoft.Extensions.Logging.Abstractions;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Xapi.Records;
using XcpTunnel.Tunnels;
using XcpTunnel.Tunnels.Hold;

namespace XcpTunnel.Tests.Tunnels;

/// <summary>
/// How a holding relay stops when the viewer's side breaks, driven by scripted streams so that which read is pending at
/// the moment of the failure is certain.
/// </summary>
public sealed class HoldingRelayStopTests
{
    private const int Record = 16 * 1024;

    [Fact]
    public async Task ViewerWriteFailsWhileAConsoleReadIsPending_TheRelayEnds_WithoutWaitingForTheConsole()
    {
        // A full TLS record's worth from the console, then silence: the relay gathers records, so a second read is
        // already pending (into the same buffer) when the write of the first fails.
        var console = new ScriptedConsole(ServerCutText(Record));
        var viewer = new BrokenViewer();
        var settings = new HoldSettings(
            "vm01", TimeSpan.FromSeconds(120), Shared: true, new RfbServerInit(800, 600, RfbPixelFormat.Rgb888, "QEMU (vm01)"),
            RfbMessage: TimeSpan.FromSeconds(5), IdleTimeout: null, HalfClose: TimeSpan.FromSeconds(5));
        ConsoleDial noSecondConsole = _ => throw new InvalidOperationException("a viewer that failed is not held");
        var relay = new HoldingRelay(viewer, settings, noSecondConsole, TimeProvider.System, NullLogger.Instance, "c1", "t1", metrics: null);

        // The console sends nothing more and no idle timeout is set: only the relay itself can end the pending read.
        var (result, reason, _) = await relay.RunAsync(Connection(console), CancellationToken.None).Bounded();

        Assert.Equal(SpliceOutcome.ViewerFailed, result.Outcome);
        Assert.IsType<IOException>(result.Error);
        Assert.Null(reason);
        Assert.True(console.PendingReadCancelled);
    }

    private static ConsoleConnection Connection(Stream stream)
    {
        var vm = new VmRecord("OpaqueRef:vm", "vm-uuid", "vm01", VmRecord.Running, "OpaqueRef:host", ["OpaqueRef:console"], false, false, false);
        var record = new ConsoleRecord("OpaqueRef:console", "console-uuid", "rfb", "https://127.0.0.1/console?uuid=console-uuid", vm.Ref);
        return new ConsoleConnection(stream, new ResolvedConsole(vm, record, ConsoleLocation.Parse(record.Location)));
    }

    /// <summary>A ServerCutText message (RFC 6143 §7.6.4) of <paramref name="length"/> bytes in all.</summary>
    private static byte[] ServerCutText(int length)
    {
        var message = new byte[length];
        message[0] = 3;
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)(length - 8));
        message.AsSpan(8).Fill((byte)'x');
        return message;
    }

    /// <summary>Hands over its bytes in one read, then reads wait until they are cancelled; writes are taken.</summary>
    private sealed class ScriptedConsole(byte[] bytes) : DuplexTestStream
    {
        private bool _sent;

        public bool PendingReadCancelled { get; private set; }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                if (!buffer.IsEmpty)
                {
                    bytes.CopyTo(buffer);
                    _sent = true;
                }

                return buffer.IsEmpty ? 0 : bytes.Length;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            }
            catch (OperationCanceledException)
            {
                PendingReadCancelled = true;
                throw;
            }
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    /// <summary>A viewer whose connection broke for writing while it sends nothing: its reads wait until cancelled.</summary>
    private sealed class BrokenViewer : DuplexTestStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromException(new IOException("Broken pipe"));
    }
}
