using System.Text;
using FsCheck.Xunit;
using XcpTunnel.Protocol.Consoles;
using XcpTunnel.Protocol.Streams;
using XcpTunnel.Protocol.Tests.Support;
using XcpTunnel.Protocol.Xapi;

namespace XcpTunnel.Protocol.Tests.Consoles;

/// <summary>Whatever a host sends back, the CONNECT path fails only in its own documented ways.</summary>
public sealed class ConsoleConnectPropertyTests
{
    private static readonly ConsoleLocation Location = ConsoleLocation.Parse("https://10.0.0.5/console?uuid=abc");
    private static readonly XapiSessionRef Session = new("OpaqueRef:property");

    [Property(MaxTest = 500)]
    public bool ReplyHead_RandomBytes_ParsesOrFormatException(byte[] bytes)
    {
        try
        {
            var complete = HttpResponseHead.TryParse(bytes, out var head, out var consumed);
            return complete ? head is not null && consumed <= bytes.Length : consumed == 0;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    [Property(MaxTest = 300)]
    public bool ReplyHead_RandomLinesAfterStatus_ParsesOrFormatException(string[] lines)
    {
        var text = "HTTP/1.1 200 OK\r\n" + string.Join("\r\n", lines ?? []) + "\r\n\r\n";
        try
        {
            return HttpResponseHead.TryParse(Encoding.UTF8.GetBytes(text), out var head, out _) && head!.StatusCode == 200;
        }
        catch (FormatException)
        {
            return true;
        }
    }

    [Property(MaxTest = 300)]
    public bool Connect_RandomReply_OnlyConsoleConnectException(byte[] reply)
    {
        var peer = new DuplexStream(new MemoryStream(reply), new MemoryStream());
        try
        {
            using var rfb = ConsoleConnectHandshake.ConnectAsync(peer, Location, Session, TimeSpan.FromSeconds(5), CancellationToken.None)
                .GetAwaiter().GetResult();
            return true;
        }
        catch (ConsoleConnectException)
        {
            return true;
        }
    }
}
