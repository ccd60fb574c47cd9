using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using XcpTunnel.Tests.Support;

namespace XcpTunnel.Tests.Systemd;

/// <summary>
/// Plays the service manager's side of <c>sd_notify</c>: a unix datagram socket in a temporary directory, its
/// path for <c>NOTIFY_SOCKET</c>, and every datagram received, in order, each with the moment it arrived.
/// </summary>
internal sealed class NotifyListener : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly List<string> _all = [];
    private readonly string _directory;
    private readonly Task _pump;

    public NotifyListener()
    {
        _directory = Directory.CreateTempSubdirectory("xcptunnel-notify-").FullName;
        Path = System.IO.Path.Combine(_directory, "notify");
        _socket.Bind(new UnixDomainSocketEndPoint(Path));
        _pump = PumpAsync();
    }

    public string Path { get; }

    /// <summary>Every message so far, including those not yet taken by <see cref="NextAsync"/>.</summary>
    public IReadOnlyList<string> All
    {
        get
        {
            lock (_all)
            {
                return [.. _all];
            }
        }
    }

    /// <summary>The next message that has the assignment <paramref name="assignment"/> (<c>READY=1</c>) on one of its lines; others are skipped.</summary>
    public async Task<string> NextAsync(string assignment, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TestTimeouts.Default);
        try
        {
            while (true)
            {
                var message = await _received.Reader.ReadAsync(deadline.Token);
                if (message.Split('\n').Contains(assignment))
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no '{assignment}' notification; received: [{string.Join(" | ", All.Select(m => m.Replace('\n', ' ')))}]");
        }
    }

    /// <summary>The value of <paramref name="key"/> in <paramref name="message"/>, or null.</summary>
    public static string? Value(string message, string key) =>
        message.Split('\n').FirstOrDefault(l => l.StartsWith(key + "=", StringComparison.Ordinal))?[(key.Length + 1)..];

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Directory.Delete(_directory, recursive: true);
    }

    private async Task PumpAsync()
    {
        var buffer = new byte[4096];
        while (true)
        {
            var read = await _socket.ReceiveAsync(buffer, SocketFlags.None);
            var message = Encoding.UTF8.GetString(buffer, 0, read);
            lock (_all)
            {
                _all.Add(message);
            }

            _received.Writer.TryWrite(message);
        }
    }
}
