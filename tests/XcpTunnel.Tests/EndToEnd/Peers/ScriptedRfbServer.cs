using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// A tiny RFB server on 127.0.0.1 that greets every viewer with <c>RFB 003.008</c> and turns it away with
/// one <see cref="RfbRefusal"/> and a reason, recording what each viewer answered. It stands in for a
/// tunnel that cannot open a console, so the viewer tests find out what stock viewers show their users.
/// The port is ≥ 5900, so gvnccapture (host:display only) can reach it.
/// </summary>
internal sealed class ScriptedRfbServer : IAsyncDisposable
{
    /// <summary>The VNC Authentication challenge every session sends; a fixed one lets a test check the response.</summary>
    public static readonly byte[] Challenge = [.. Enumerable.Range(0, 16).Select(i => (byte)(0xa0 + i))];

    /// <summary>How long a viewer may take over its side of the script, typing a password included.</summary>
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(30);

    private const int VersionLength = 12;
    private const byte SecurityNone = 1;
    private const byte SecurityVncAuth = 2;
    private const uint SecurityResultFailed = 1;

    private readonly TcpListener listener;
    private readonly byte[] reason;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<RfbSession> sessions = [];
    private readonly List<Task> running = [];
    private readonly Task accepting;
    private TaskCompletionSource sessionEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ScriptedRfbServer(TcpListener listener, RfbRefusal refusal, string reason)
    {
        this.listener = listener;
        Refusal = refusal;
        Reason = reason;
        this.reason = Encoding.UTF8.GetBytes(reason);
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        accepting = AcceptAsync();
    }

    public string Host => "127.0.0.1";

    public int Port { get; }

    public RfbRefusal Refusal { get; }

    public string Reason { get; }

    /// <summary>Every session whose script has been played to its end (the refusal sent) or cut short, in that order.</summary>
    public IReadOnlyList<RfbSession> Sessions
    {
        get
        {
            lock (gate)
            {
                return [.. sessions];
            }
        }
    }

    public static ScriptedRfbServer Start(RfbRefusal refusal, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            if (((IPEndPoint)listener.LocalEndpoint).Port >= VncClients.FirstDisplayPort)
            {
                return new ScriptedRfbServer(listener, refusal, reason);
            }

            listener.Stop();
        }

        throw new InvalidOperationException("the kernel handed out no free port ≥ 5900 in 100 tries");
    }

    /// <summary>Waits until at least <paramref name="count"/> sessions have ended and returns them all.</summary>
    public async Task<IReadOnlyList<RfbSession>> WaitForSessionsAsync(int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task ended;
            lock (gate)
            {
                if (sessions.Count >= count)
                {
                    return [.. sessions];
                }

                ended = sessionEnded.Task;
            }

            await ended.WaitAsync(cancellationToken);
        }
    }

    public override string ToString() =>
        $"scripted RFB server {Host}:{Port} ({Refusal}, '{Reason}'); sessions: " +
        (Sessions.Count == 0 ? "none" : string.Join("; ", Sessions));

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Task[] all;
        lock (gate)
        {
            all = [accepting, .. running];
        }

        await Task.WhenAll(all).WaitAsync(SessionTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (gate)
            {
                running.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        deadline.CancelAfter(SessionTimeout);
        var progress = new Progress();
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await PlayAsync(stream, progress, deadline.Token);
            Record(progress, error: null);
            // Half-close and read until the viewer hangs up: closing with its bytes unread would send an
            // RST, which can reach the viewer before it has read the reason.
            socket.Shutdown(SocketShutdown.Send);
            await DrainAsync(stream, deadline.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException or OperationCanceledException)
        {
            if (!progress.Finished)
            {
                Record(progress, $"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    private void Record(Progress progress, string? error)
    {
        lock (gate)
        {
            sessions.Add(new RfbSession(progress.ClientVersion, progress.ChosenSecurityType, progress.VncAuthResponse, error));
            sessionEnded.TrySetResult();
            sessionEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    // RFC 6143 §7.1.1: the server sends "RFB 003.008\n", the viewer answers with the version it will speak
    // ("RFB 003.003\n", "RFB 003.007\n" or "RFB 003.008\n"); §7.1.2 and §7.1.3 follow per refusal below.
    private async Task PlayAsync(NetworkStream stream, Progress progress, CancellationToken cancellationToken)
    {
        await stream.WriteAsync("RFB 003.008\n"u8.ToArray(), cancellationToken);
        var version = new byte[VersionLength];
        await stream.ReadExactlyAsync(version, cancellationToken);
        progress.ClientVersion = Encoding.ASCII.GetString(version).TrimEnd('\n');
        var minor = progress.ClientVersion.Length == 11 && int.TryParse(progress.ClientVersion.AsSpan(8), out var m) ? m : 8;
        switch (Refusal)
        {
            case RfbRefusal.SecurityTypeZero:
                // +--------------+--------------+---------------+
                // | U32 type = 0 | U32 length n | n bytes reason|
                // +--------------+--------------+---------------+
                await stream.WriteAsync((byte[])[.. U32(0), .. U32((uint)reason.Length), .. reason], cancellationToken);
                break;

            case RfbRefusal.NoSecurityTypes:
                // +--------------+--------------+---------------+
                // | U8 count = 0 | U32 length n | n bytes reason|
                // +--------------+--------------+---------------+
                await stream.WriteAsync((byte[])[0, .. U32((uint)reason.Length), .. reason], cancellationToken);
                break;

            default:
                var type = Refusal == RfbRefusal.FailedResultAfterNone ? SecurityNone : SecurityVncAuth;
                await OfferThenFailAsync(stream, progress, minor, type, cancellationToken);
                break;
        }

        progress.Finished = true;
    }

    private async Task OfferThenFailAsync(NetworkStream stream, Progress progress, int minor, byte type, CancellationToken cancellationToken)
    {
        if (minor >= 7)
        {
            // U8 count = 1, U8 type; the viewer answers with the U8 type it picks.
            await stream.WriteAsync(new byte[] { 1, type }, cancellationToken);
            var chosen = new byte[1];
            await stream.ReadExactlyAsync(chosen, cancellationToken);
            progress.ChosenSecurityType = chosen[0];
        }
        else
        {
            // 3.3: the server names the type (U32); with None, the next thing would be ServerInit.
            await stream.WriteAsync(U32(type), cancellationToken);
            if (type == SecurityNone)
            {
                return;
            }
        }

        if (type == SecurityVncAuth)
        {
            await stream.WriteAsync(Challenge, cancellationToken);
            var response = new byte[16];
            await stream.ReadExactlyAsync(response, cancellationToken);
            progress.VncAuthResponse = response;
        }

        // SecurityResult: U32 1 (failed); 3.8 adds U32 length n and n bytes of reason.
        byte[] result = minor >= 8
            ? [.. U32(SecurityResultFailed), .. U32((uint)reason.Length), .. reason]
            : U32(SecurityResultFailed);
        await stream.WriteAsync(result, cancellationToken);
    }

    private static async Task DrainAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        while (await stream.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    /// <summary>What a session has seen so far, kept when the viewer hangs up halfway.</summary>
    private sealed class Progress
    {
        public string ClientVersion { get; set; } = string.Empty;

        public byte? ChosenSecurityType { get; set; }

        public byte[]? VncAuthResponse { get; set; }

        public bool Finished { get; set; }
    }
}
