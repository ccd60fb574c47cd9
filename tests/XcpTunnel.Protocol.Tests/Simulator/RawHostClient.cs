using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using System.Text.Json;
using XcpTunnel.Simulator;

namespace XcpTunnel.Protocol.Tests.Simulator;

/// <summary>
/// Raw TLS + HTTP bytes against a simulated host, independent of the client library: what the simulator's own
/// wire behaviour is checked with.
/// </summary>
internal sealed class RawHostClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpClient _tcp;

    private RawHostClient(TcpClient tcp, SslStream ssl)
    {
        _tcp = tcp;
        Stream = ssl;
    }

    public SslStream Stream { get; }

    public static async Task<RawHostClient> ConnectAsync(SimulatedHost host, SslProtocols protocols = SslProtocols.Tls12)
    {
        var tcp = new TcpClient(host.Address.AddressFamily);
        try
        {
            await tcp.ConnectAsync(host.Address, host.Port).WaitAsync(Timeout);
            var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host.NameLabel,
                EnabledSslProtocols = protocols,
                // Pinned to the host's own certificate: the simulator presents each host's certificate.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && certificate.GetCertHashString() == host.Certificate.Thumbprint,
            }).WaitAsync(Timeout);
            return new RawHostClient(tcp, ssl);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await Stream.WriteAsync(bytes).AsTask().WaitAsync(Timeout);
        await Stream.FlushAsync().WaitAsync(Timeout);
    }

    /// <summary>Reads up to and including the blank line, one byte at a time so nothing after it is consumed.</summary>
    public async Task<string> ReadHeadAsync()
    {
        var head = new List<byte>();
        byte[] one = new byte[1];
        while (!EndsWithBlankLine(head))
        {
            int n = await Stream.ReadAsync(one).AsTask().WaitAsync(Timeout);
            if (n == 0)
            {
                throw new EndOfStreamException("EOF inside the response head: " + Encoding.ASCII.GetString(head.ToArray()));
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString(head.ToArray());
    }

    public async Task<byte[]> ReadExactlyAsync(int count)
    {
        byte[] buffer = new byte[count];
        await Stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
        return buffer;
    }

    /// <summary>Everything until the server closes.</summary>
    public async Task<byte[]> ReadToEndAsync()
    {
        using var all = new MemoryStream();
        try
        {
            await Stream.CopyToAsync(all).WaitAsync(Timeout);
        }
        catch (IOException)
        {
            // A reset after the reply still counts as the end.
        }

        return all.ToArray();
    }

    /// <summary>True when the server closes without sending more bytes.</summary>
    public async Task<bool> IsClosedByServerAsync()
    {
        byte[] one = new byte[1];
        try
        {
            return await Stream.ReadAsync(one).AsTask().WaitAsync(Timeout) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>POSTs a body and returns (head, body) of the reply, keeping the connection open.</summary>
    public async Task<(string Head, string Body)> PostAsync(string path, string body, string version = "1.1")
    {
        byte[] bytes = Encoding.UTF8.GetBytes(body);
        await SendAsync($"POST {path} HTTP/{version}\r\nHost: x\r\nContent-Length: {bytes.Length}\r\n\r\n");
        await SendAsync(bytes);
        string head = await ReadHeadAsync();
        string lengthLine = head.Split("\r\n").First(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal));
        int length = int.Parse(lengthLine["Content-Length: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        return (head, Encoding.UTF8.GetString(await ReadExactlyAsync(length)));
    }

    /// <summary>Logs in over JSON-RPC v2 on <paramref name="host"/>; returns the session ref.</summary>
    public static async Task<string> LoginAsync(SimulatedHost host, string user = "root", string password = "xenroot")
    {
        await using RawHostClient client = await ConnectAsync(host);
        (_, string body) = await client.PostAsync("/jsonrpc",
            $$"""{"jsonrpc":"2.0","method":"session.login_with_password","params":["{{user}}","{{password}}","2.21","tests"],"id":1}""");
        using JsonDocument doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("result").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _tcp.Dispose();
    }

    private static bool EndsWithBlankLine(List<byte> b) =>
        b.Count >= 4 && b[^4] == '\r' && b[^3] == '\n' && b[^2] == '\r' && b[^1] == '\n';
}
