namespace XcpTunnel.Protocol.Rfb.Client;

/// <summary>
/// A headless RFB client: connects to a VNC server (RFC 6143) over a stream the caller opened, and reads the
/// screen. Always joins as a shared viewer, so it never disconnects anyone else's console (docs/xapi-console-protocol.md, "RFB from the consoles").
/// Not thread-safe: one call at a time.
/// </summary>
public sealed partial class RfbClient : IAsyncDisposable
{
    /// <summary>The widest or tallest framebuffer accepted from a server.</summary>
    public const int MaxDimension = 16384;

    /// <summary>The most pixels a framebuffer may have (8K UHD): a 4-byte pixel array of at most 142 MB.</summary>
    public const int MaxPixels = 7680 * 4320;

    /// <summary>The longest ServerCutText accepted (it is skipped, never held).</summary>
    public const int MaxCutTextLength = 16 * 1024 * 1024;

    /// <summary>The most rectangles one FramebufferUpdate may announce.</summary>
    public const int MaxRectanglesPerUpdate = 16384;

    /// <summary>How many updates <see cref="ReadFullFramebufferAsync"/> reads, at most, waiting for one that covers the screen.</summary>
    public const int MaxUpdatesPerRead = 64;

    private readonly Stream _stream;
    private readonly RfbClientOptions _options;
    private readonly RfbReader _reader;
    private readonly RfbZrleDecoder _zrle;
    private RfbCanvas _canvas = new(0, 0);
    private readonly Dictionary<int, int> _rectanglesByEncoding = [];
    private bool _disposed;

    private RfbClient(Stream stream, RfbClientOptions options)
    {
        _stream = stream;
        _options = options;
        _reader = new RfbReader(stream, options.MessageTimeout, options.TimeProvider);
        _zrle = new RfbZrleDecoder(_reader);
    }

    /// <summary>The version the client replied with and the session speaks.</summary>
    public RfbProtocolVersion Version { get; private set; }

    /// <summary>The security type that ran.</summary>
    public RfbSecurityType SecurityType { get; private set; }

    /// <summary>What the server announced in ServerInit.</summary>
    public RfbServerInit ServerInit { get; private set; } = null!;

    /// <summary>How many rectangles arrived in each encoding: lets tests see which decoders a real server made run.</summary>
    internal IReadOnlyDictionary<int, int> RectanglesByEncoding => _rectanglesByEncoding;

    /// <summary>The current framebuffer width (changes when the server resizes the desktop).</summary>
    public int Width => _canvas.Width;

    /// <summary>The current framebuffer height (changes when the server resizes the desktop).</summary>
    public int Height => _canvas.Height;

    /// <summary>
    /// Runs the handshake on <paramref name="stream"/>: ProtocolVersion (the client replies min(server, 3.8)),
    /// security None or VNC Authentication, ClientInit with shared-flag 1, ServerInit; then asks for 32-bpp
    /// true colour and the encodings ZRLE, Hextile, CopyRect, Raw and DesktopSize.
    /// </summary>
    /// <exception cref="RfbProtocolException">The server broke the protocol or closed the connection.</exception>
    /// <exception cref="RfbAuthenticationException">The server refused the client, or wants authentication the client cannot give.</exception>
    /// <exception cref="TimeoutException">The server sent nothing for <see cref="RfbClientOptions.MessageTimeout"/>.</exception>
    public static async Task<RfbClient> ConnectAsync(Stream stream, RfbClientOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.MessageTimeout, TimeSpan.Zero);
        var client = new RfbClient(stream, options);
        try
        {
            await client.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the decoder state; disposes the stream only when <see cref="RfbClientOptions.OwnsStream"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _zrle.Dispose();
        if (_options.OwnsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> message, string what, CancellationToken cancellationToken)
    {
        using var timer = new CancellationTokenSource(_options.MessageTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _stream.WriteAsync(message, linked.Token).ConfigureAwait(false);
            await _stream.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the RFB server took more than {_options.MessageTimeout.TotalSeconds:0.###} s to accept {what}");
        }
    }
}
