using System.Buffers.Binary;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Rfb.Relay;

namespace XcpTunnel.Protocol.Tests.Rfb.Relay;

public sealed class RfbClientMessageTrackerTests
{
    private static readonly int[] Offered = [16, 7, 6, 5, 1, 0, 8, -223, -308, -224, -239, -314, -258, -32 + 6, 99];

    [Fact]
    public void EveryMessage_AtEverySplit_ForwardsAllButSetEncodings_AndRewritesThat()
    {
        var (bytes, boundaries, messages) = EveryMessage();
        for (int split = 0; split <= bytes.Length; split++)
        {
            var tracker = new RfbClientMessageTracker(dropUnresettableZlib: true);
            var forwarded = new List<byte>();
            Feed(tracker, bytes.AsSpan(0, split), forwarded, oneMessage: false);
            Assert.Equal(boundaries.Contains(split), tracker.AtBoundary);
            Feed(tracker, bytes.AsSpan(split), forwarded, oneMessage: false);
            Assert.True(tracker.AtBoundary, $"split {split}: {tracker.Broken}");

            Assert.Equal(Expected(messages), forwarded);
            Assert.Equal(Offered, tracker.Encodings);
            Assert.Equal(RfbPixelFormat.Rgb888 with { BitsPerPixel = 16 }, tracker.PixelFormat);
            Assert.Equal(new RfbUpdateRequest(true, 1, 2, 300, 400), tracker.LastRequest);
        }
    }

    [Fact]
    public void OneMessage_EndsEachSegmentWithItsMessage()
    {
        var (bytes, boundaries, _) = EveryMessage();
        var tracker = new RfbClientMessageTracker(dropUnresettableZlib: false);
        var ends = new List<int> { 0 };
        int at = 0;
        while (at < bytes.Length)
        {
            var segment = tracker.Next(bytes.AsSpan(at), oneMessage: true);
            at += segment.Length;
            ends.Add(at);
        }

        Assert.Equal(boundaries.Order(), ends);
    }

    [Fact]
    public void WithoutDrop_ZrleAndZlibStay_UnfollowableEncodingsGoAnyway()
    {
        var tracker = new RfbClientMessageTracker(dropUnresettableZlib: false);
        var segment = tracker.Next(SetEncodings(Offered), oneMessage: false);
        Assert.Equal(RfbClientSegmentKind.Replaced, segment.Kind);
        Assert.Equal<int>(new[] { 16, 7, 6, 5, 1, 0, -223, -308, -224, -239, -258, -26 }, Encodings(tracker.Replacement!));
        Assert.True(tracker.Advertises(-308));
        Assert.False(tracker.Advertises(-307));
    }

    [Fact]
    public void UnknownMessageType_IsBroken_AndEverythingIsForwardedFromThere()
    {
        var tracker = new RfbClientMessageTracker(dropUnresettableZlib: true);
        var segment = tracker.Next(new byte[] { 5, 0, 0, 1, 0, 1, 200, 1, 2, 3 }, oneMessage: false);
        Assert.Equal(new RfbClientSegment(RfbClientSegmentKind.Forward, 10), segment);
        Assert.Contains("200", tracker.Broken, StringComparison.Ordinal);
    }

    private static void Feed(RfbClientMessageTracker tracker, ReadOnlySpan<byte> data, List<byte> forwarded, bool oneMessage)
    {
        while (!data.IsEmpty)
        {
            var segment = tracker.Next(data, oneMessage);
            Assert.True(segment.Length > 0);
            if (segment.Kind == RfbClientSegmentKind.Forward)
            {
                forwarded.AddRange(data[..segment.Length]);
            }
            else if (segment.Kind == RfbClientSegmentKind.Replaced)
            {
                forwarded.AddRange(tracker.Replacement!);
            }

            data = data[segment.Length..];
        }
    }

    private static (byte[] Bytes, HashSet<int> Boundaries, byte[][] Messages) EveryMessage()
    {
        var format = new byte[20];
        RfbPixelFormat.Rgb888.WriteTo(format.AsSpan(4));
        format[4] = 16;
        byte[][] messages =
        [
            format,
            SetEncodings(Offered),
            [3, 1, 0, 1, 0, 2, 1, 44, 1, 144],
            [4, 1, 0, 0, 0, 0, 0xFF, 0xE3],
            [5, 1, 0, 10, 0, 20],
            [6, 0, 0, 0, 0, 0, 0, 3, (byte)'a', (byte)'b', (byte)'c'],
            [6, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFE, 1, 2],
            [150, 1, 0, 0, 0, 0, 0, 10, 0, 10],
            [248, 0, 0, 0, 0, 0, 0, 1, 2, 9, 9],
            [251, 0, 2, 128, 1, 224, 1, 0, .. new byte[16]],
            [254, 0, 0, 0, 0, 0, 0, 30],
            [255, 0, 0, 1, 0, 0, 0xFF, 0xE3, 0, 0, 0, 29],
            [255, 1, 0, 0],
            [255, 1, 0, 2, 3, 2, 0, 0, 0xAC, 0x44],
            SetEncodings([]),
            SetEncodings(Offered),
            [3, 1, 0, 1, 0, 2, 1, 44, 1, 144],
        ];
        var bytes = new List<byte>();
        var boundaries = new HashSet<int> { 0 };
        foreach (var m in messages)
        {
            bytes.AddRange(m);
            boundaries.Add(bytes.Count);
        }

        return ([.. bytes], boundaries, messages);
    }

    // What the console gets: every message as sent, SetEncodings without ZRLE, zlib and what the relay cannot follow.
    private static List<byte> Expected(byte[][] messages) =>
        [.. messages.SelectMany(m => m[0] == 2 ? SetEncodings([.. Encodings(m).Where(e => e is not (16 or 6 or 8 or -314 or 99))]) : m)];

    private static byte[] SetEncodings(int[] encodings)
    {
        var m = new byte[4 + (4 * encodings.Length)];
        m[0] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(2), (ushort)encodings.Length);
        for (int i = 0; i < encodings.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(m.AsSpan(4 + (4 * i)), encodings[i]);
        }

        return m;
    }

    private static int[] Encodings(byte[] message) =>
        [.. Enumerable.Range(0, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2))).Select(i => BinaryPrimitives.ReadInt32BigEndian(message.AsSpan(4 + (4 * i))))];
}
