using System.Text;
using XcpTunnel.Simulator.Http;

namespace XcpTunnel.Protocol.Tests.Simulator;

public sealed class HttpHeadReaderTests
{
    private const string Request = "CONNECT /console?uuid=abc&session_id=OpaqueRef%3Ax HTTP/1.0\r\nCookie: session_id=OpaqueRef:c; other=1\r\n\r\nRFB 003.003\n";

    public static TheoryData<int> SplitPoints()
    {
        var data = new TheoryData<int>();
        for (int i = 1; i < Request.Length; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SplitPoints))]
    public async Task ReadHead_AtEverySplitPoint_ParsesTheHeadAndKeepsTheTunnelBytes(int split)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(Request);
        var reader = new HttpHeadReader(new TwoChunkStream(bytes[..split], bytes[split..]));

        (HeadReadStatus status, HttpRequestHead? head) = await reader
            .ReadHeadAsync(TimeSpan.FromSeconds(10), TimeProvider.System, waitIdle: false, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HeadReadStatus.Ok, status);
        Assert.Equal("CONNECT", head!.Method);
        Assert.Equal("/console", head.Path);
        Assert.Equal("1.0", head.Version);
        Assert.Equal("abc", head.QueryValue("uuid"));
        Assert.Equal("OpaqueRef:x", head.QueryValue("session_id"));
        Assert.Equal("OpaqueRef:c", head.CookieValue("session_id"));
        Assert.Equal("1", head.CookieValue(" other")); // xapi does not trim cookie names
        byte[] rest = reader.TakeBuffered();
        if (rest.Length < 12)
        {
            rest = [.. rest, .. bytes[^(12 - rest.Length)..]];
        }

        Assert.Equal("RFB 003.003\n", Encoding.ASCII.GetString(rest));
    }

    /// <summary>Delivers exactly two reads' worth of data, then EOF.</summary>
    private sealed class TwoChunkStream(byte[] first, byte[] second) : Stream
    {
        private readonly Queue<byte[]> _chunks = new([first, second]);
        private int _offset;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (!_chunks.TryPeek(out byte[]? chunk))
            {
                return 0;
            }

            int n = Math.Min(count, chunk.Length - _offset);
            Array.Copy(chunk, _offset, buffer, offset, n);
            _offset += n;
            if (_offset == chunk.Length)
            {
                _chunks.Dequeue();
                _offset = 0;
            }

            return n;
        }

        public override void Flush() { }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
