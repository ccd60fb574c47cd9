using System.Net.Sockets;
using System.Text;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;

namespace XcpTunnel.Protocol.Tests.Streams;

/// <summary>
/// A splice between two loopback TCP pairs: the test plays the viewer on <see cref="ViewerPeer"/> and the
/// console on <see cref="ConsolePeer"/>; the splice runs between the near ends (or wrappers of them).
/// </summary>
internal sealed class SpliceRig : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly LoopbackPair _viewer;
    private readonly LoopbackPair _console;
    private readonly CancellationTokenSource _cancel = new();

    private SpliceRig(LoopbackPair viewer, LoopbackPair console)
    {
        _viewer = viewer;
        _console = console;
    }

    /// <summary>The viewer's own socket: what the splice's viewer stream is connected to.</summary>
    public NetworkStream ViewerPeer => _viewer.Far;

    /// <summary>The console's own socket: what the splice's console stream is connected to.</summary>
    public NetworkStream ConsolePeer => _console.Far;

    /// <summary>The splice's viewer end.</summary>
    public NetworkStream ViewerEnd => _viewer.Near;

    /// <summary>The splice's console end.</summary>
    public NetworkStream ConsoleEnd => _console.Near;

    public SpliceCounters Counters { get; } = new();

    public Task<SpliceResult> Splice { get; private set; } = Task.FromResult(default(SpliceResult));

    public static async Task<SpliceRig> CreateAsync()
    {
        LoopbackPair viewer = await LoopbackPair.CreateAsync(CancellationToken.None).WaitAsync(Timeout);
        LoopbackPair console = await LoopbackPair.CreateAsync(CancellationToken.None).WaitAsync(Timeout);
        return new SpliceRig(viewer, console);
    }

    /// <summary>Starts the splice, with <see cref="Counters"/> unless <paramref name="options"/> names its own.</summary>
    public void Start(SpliceOptions? options = null, Stream? viewer = null, Stream? console = null)
    {
        options ??= new SpliceOptions();
        Splice = StreamSplicer.SpliceAsync(
            viewer ?? ViewerEnd, console ?? ConsoleEnd, options.Counters is null ? options with { Counters = Counters } : options, _cancel.Token);
    }

    public Task CancelAsync() => _cancel.CancelAsync();

    public async Task<SpliceResult> CompletionAsync() => await Splice.WaitAsync(Timeout);

    /// <summary>Waits until the live counters show the bytes: they are added once a write has been flushed.</summary>
    public async Task CountersReachAsync(long viewerToConsole, long consoleToViewer)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (Counters.ViewerToConsole != viewerToConsole || Counters.ConsoleToViewer != consoleToViewer)
        {
            await Task.Delay(5, deadline.Token);
        }
    }

    public static Task SendAsync(Stream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask().WaitAsync(Timeout);

    public static async Task<string> ReceiveAsync(Stream stream, int length)
    {
        byte[] buffer = new byte[length];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
        return Encoding.ASCII.GetString(buffer);
    }

    /// <summary>True when the next read is EOF (and no data came first).</summary>
    public static async Task<bool> AtEofAsync(Stream stream) => await stream.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout) == 0;

    /// <summary>Closes a socket with a RST instead of a FIN.</summary>
    public static void Reset(NetworkStream stream)
    {
        stream.Socket.LingerState = new LingerOption(true, 0);
        stream.Socket.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        await ((Task)Splice).WaitAsync(Timeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _viewer.DisposeAsync();
        await _console.DisposeAsync();
        _cancel.Dispose();
    }
}
