using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace XcpTunnel.Protocol.Tests.Xapi.Rpc;

/// <summary>A request as the canned server read it off the wire.</summary>
internal sealed record RecordedRequest(
    string Method, string Path, string Version, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Connection)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;
}

/// <summary>What the canned server does with one request.</summary>
internal sealed class CannedReply
{
    private CannedReply(byte[]? bytes, bool close, bool fragmented)
    {
        Bytes = bytes;
        Close = close;
        Fragmented = fragmented;
    }

    /// <summary>Null: never answer (the connection stays open).</summary>
    public byte[]? Bytes { get; }

    public bool Close { get; }

    public bool Fragmented { get; }

    public static CannedReply Never { get; } = new(null, close: false, fragmented: false);

    public static CannedReply CloseWithoutAnswer { get; } = new([], close: true, fragmented: false);

    public static CannedReply Http(int status, string reason, string body = "", string contentType = "text/html", bool fragmented = false) =>
        new(Encoding.UTF8.GetBytes(
            $"HTTP/1.1 {status} {reason}\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}"),
            close: false,
            fragmented);

    public static CannedReply Json(string body) => Http(200, "OK", body, "application/json");

    public static CannedReply Xml(string body) => Http(200, "OK", body, "text/xml");

    public static CannedReply Raw(string bytes, bool close) => new(Encoding.UTF8.GetBytes(bytes), close, fragmented: false);
}

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1:0: reads a request head and its Content-Length body, records
/// the request and answers with whatever the test's function returns, keeping connections alive.
/// </summary>
internal sealed class CannedHttpServer : IAsyncDisposable
{
    private const int MaxHeadBytes = 64 * 1024;

    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Func<RecordedRequest, CannedReply> respond;
    private readonly CancellationTokenSource stop = new();
    private readonly ConcurrentBag<Socket> sockets = [];
    private readonly Task acceptLoop;
    private int connections;

    public CannedHttpServer(Func<RecordedRequest, CannedReply> respond)
    {
        this.respond = respond;
        listener.Start();
        acceptLoop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public int Connections => Volatile.Read(ref connections);

    public IReadOnlyList<string> Paths => [.. Requests.Select(r => r.Path)];

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        foreach (Socket socket in sockets)
        {
            socket.Dispose();
        }

        await acceptLoop.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        var serving = new List<Task>();
        try
        {
            while (true)
            {
                Socket socket = await listener.AcceptSocketAsync(stop.Token);
                sockets.Add(socket);
                serving.Add(ServeAsync(socket, Interlocked.Increment(ref connections)));
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
        }

        await Task.WhenAll(serving).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            var buffer = new List<byte>();
            while (true)
            {
                RecordedRequest? request = await ReadRequestAsync(stream, buffer, connection);
                if (request is null)
                {
                    return;
                }

                Requests.Enqueue(request);
                CannedReply reply = respond(request);
                if (reply.Bytes is null)
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                    return;
                }

                if (reply.Fragmented)
                {
                    foreach (byte b in reply.Bytes)
                    {
                        await stream.WriteAsync(new[] { b }, stop.Token);
                        await stream.FlushAsync(stop.Token);
                    }
                }
                else
                {
                    await stream.WriteAsync(reply.Bytes, stop.Token);
                }

                if (reply.Close)
                {
                    return;
                }
            }
        }
        catch (Exception)
        {
            // The client went away or the server stops.
        }
    }

    private async Task<RecordedRequest?> ReadRequestAsync(NetworkStream stream, List<byte> buffer, int connection)
    {
        int headEnd;
        while ((headEnd = IndexOfBlankLine(buffer)) < 0)
        {
            if (buffer.Count > MaxHeadBytes || !await FillAsync(stream, buffer))
            {
                return null;
            }
        }

        string[] lines = Encoding.ASCII.GetString([.. buffer.Take(headEnd)]).Split("\r\n");
        buffer.RemoveRange(0, headEnd + 4);
        string[] requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in lines.Skip(1))
        {
            int colon = line.IndexOf(':');
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        int length = headers.TryGetValue("Content-Length", out string? value) ? int.Parse(value) : 0;
        while (buffer.Count < length)
        {
            if (!await FillAsync(stream, buffer))
            {
                return null;
            }
        }

        byte[] body = [.. buffer.Take(length)];
        buffer.RemoveRange(0, length);
        return new RecordedRequest(requestLine[0], requestLine[1], requestLine[2], headers, body, connection);
    }

    private async Task<bool> FillAsync(NetworkStream stream, List<byte> buffer)
    {
        byte[] chunk = new byte[4096];
        int read = await stream.ReadAsync(chunk, stop.Token);
        buffer.AddRange(chunk.AsSpan(0, read));
        return read > 0;
    }

    private static int IndexOfBlankLine(List<byte> buffer)
    {
        for (int i = 0; i + 3 < buffer.Count; i++)
        {
            if (buffer[i] == '\r' && buffer[i + 1] == '\n' && buffer[i + 2] == '\r' && buffer[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
