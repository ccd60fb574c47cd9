using System.Buffers;
using XcpTunnel.Protocol.Rfb.Client;
using XcpTunnel.Protocol.Rfb.Relay;

namespace XcpTunnel.Protocol.Tests.Rfb.Relay;

public sealed class RfbServerMessageTrackerTests
{
    private static readonly RfbPixelFormat Bgr233 = new(8, 8, false, true, 7, 7, 3, 0, 3, 6);
    private static readonly RfbPixelFormat Rgb565 = new(16, 16, false, true, 31, 63, 31, 11, 5, 0);

    public static TheoryData<string> Formats => ["32", "16", "8"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryMessageAndEncoding_BoundariesFoundAtEverySplit(string bpp)
    {
        var (format, stream) = EveryMessage(bpp);
        var bytes = stream.Bytes;
        var boundaries = stream.Boundaries.ToHashSet();

        // Byte by byte: the tracker stands between messages exactly where the stream has a boundary.
        var tracker = new RfbServerMessageTracker(format);
        for (int i = 0; i < bytes.Length; i++)
        {
            Assert.True(tracker.AtBoundary == boundaries.Contains(i), $"offset {i} of {bytes.Length}: AtBoundary {tracker.AtBoundary}; {tracker.Broken}");
            tracker.Advance(bytes.AsSpan(i, 1));
        }

        Assert.True(tracker.AtBoundary, tracker.Broken);

        // Every split into two reads.
        for (int split = 0; split <= bytes.Length; split++)
        {
            var t = new RfbServerMessageTracker(format);
            t.Advance(bytes.AsSpan(0, split));
            Assert.Equal(boundaries.Contains(split), t.AtBoundary);
            t.Advance(bytes.AsSpan(split));
            Assert.True(t.AtBoundary, $"split at {split}: {t.Broken}");
        }
    }

    [Fact]
    public void DesktopSizeAndExtendedDesktopSize_AreRemembered()
    {
        var s = new ServerStream(4, 3).Update(ServerStream.DesktopSize(800, 600)).Update(ServerStream.ExtendedDesktopSize(1280, 720, 1));
        var tracker = new RfbServerMessageTracker(RfbPixelFormat.Rgb888);
        tracker.Advance(s.Bytes.AsSpan(0, s.Boundaries[1]));
        Assert.Equal((800, 600), tracker.AnnouncedSize);
        tracker.Advance(s.Bytes.AsSpan(s.Boundaries[1]));
        Assert.Equal((1280, 720), tracker.AnnouncedSize);
    }

    [Fact]
    public void PixelFormatSent_AppliesFromTheNextUpdate()
    {
        // 4×4 Raw at 32 bpp is 64 bytes; after an 8-bpp SetPixelFormat the next update's 4×4 is 16 bytes.
        var before = new ServerStream(4, 3).Update(new ServerStream(4, 3).Raw(4, 4)).Bytes;
        var after = new ServerStream(1, 1).Update(new ServerStream(1, 1).Raw(4, 4)).Bytes;
        var tracker = new RfbServerMessageTracker(RfbPixelFormat.Rgb888);
        tracker.Advance(before.AsSpan(0, 10));
        tracker.PixelFormatSent(Bgr233);
        tracker.Advance(before.AsSpan(10));
        Assert.True(tracker.AtBoundary);
        tracker.Advance(after);
        Assert.True(tracker.AtBoundary, tracker.Broken);
    }

    [Fact]
    public void UnknownMessageOrEncoding_IsBroken()
    {
        var tracker = new RfbServerMessageTracker(RfbPixelFormat.Rgb888);
        tracker.Advance(new byte[] { 77 });
        Assert.Contains("77", tracker.Broken, StringComparison.Ordinal);
        Assert.False(tracker.AtBoundary);

        var zlibHex = new RfbServerMessageTracker(RfbPixelFormat.Rgb888);
        zlibHex.Advance(new ServerStream(4, 3).Update(ServerStream.Header(16, 16, 8)).Bytes);
        Assert.Contains("encoding 8", zlibHex.Broken, StringComparison.Ordinal);
    }

    [Fact]
    public void ResetTightStreams_SetsTheResetBitsOfTheNextTightRectangleOnly()
    {
        var bytes = new ServerStream(4, 3).Update(ServerStream.TightBasic(20), ServerStream.TightBasic(20)).Bytes;
        var tracker = new RfbServerMessageTracker(RfbPixelFormat.Rgb888) { ResetTightStreams = true };
        for (int i = 0; i < bytes.Length; i++)
        {
            tracker.Advance(bytes.AsSpan(i, 1));
        }

        int first = 4 + 12;
        int second = first + 1 + 1 + 20 + 12;
        Assert.Equal(0x0F, bytes[first]);
        Assert.Equal(0x01, bytes[second]);
        Assert.False(tracker.ResetTightStreams);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void CutAnywhereOutsideZlibData_IsCompletedToABoundary(string bpp)
    {
        var (format, stream) = Completable(bpp);
        var bytes = stream.Bytes;
        foreach (bool lastRect in new[] { true, false })
        {
            for (int cut = 0; cut < bytes.Length; cut++)
            {
                var tracker = new RfbServerMessageTracker(format);
                tracker.Advance(bytes.AsSpan(0, cut));
                var padding = new ArrayBufferWriter<byte>();
                if (!tracker.TryComplete(padding, lastRect))
                {
                    // Only a cut inside a pseudo-encoding's number (0xFFFFFF..) needs LastRect to end the header.
                    Assert.False(lastRect, $"cut at {cut}");
                    Assert.Equal(0xFF, bytes[cut - 1]);
                    continue;
                }


                Assert.True(tracker.AtBoundary);

                // What the viewer gets, cut then padded, is whole messages to a fresh reader too.
                var check = new RfbServerMessageTracker(format);
                check.Advance([.. bytes.AsSpan(0, cut), .. padding.WrittenSpan, 2]);
                Assert.True(check.AtBoundary, $"cut at {cut}, lastRect {lastRect}: {check.Broken}");
                Assert.Equal(stream.Boundaries.Contains(cut), padding.WrittenCount == 0);
            }
        }
    }

    [Fact]
    public void CutInsideZlibOrTightData_CannotBeCompleted()
    {
        foreach (var rectangle in new[] { ServerStream.LengthPrefixed(16, 40), ServerStream.LengthPrefixed(6, 40), ServerStream.TightBasic(40) })
        {
            var bytes = new ServerStream(4, 3).Update(rectangle).Bytes;
            var tracker = new RfbServerMessageTracker(RfbPixelFormat.Rgb888);
            tracker.Advance(bytes.AsSpan(0, bytes.Length - 10));
            var padding = new ArrayBufferWriter<byte>();
            Assert.False(tracker.TryComplete(padding, lastRect: true));
            Assert.Equal(0, padding.WrittenCount);
        }
    }

    private static (RfbPixelFormat Format, ServerStream Stream) EveryMessage(string bpp)
    {
        var (format, s) = Stream(bpp);
        s.Update(
            s.Raw(7, 5), ServerStream.CopyRect(), s.Rre(3), s.Rre(2, compact: true), s.Hextile(), ServerStream.LengthPrefixed(6, 33),
            ServerStream.LengthPrefixed(16, 300), s.TightFill(), ServerStream.TightJpeg(200), ServerStream.TightBasic(20_000),
            s.TightPaletteSmall(), s.TightPaletteLarge(130), ServerStream.TightGradient(5), ServerStream.DesktopSize(640, 480),
            ServerStream.ExtendedDesktopSize(640, 480, 2), s.Cursor(9, 3), ServerStream.XCursor(9, 3), ServerStream.XCursor(0, 0),
            ServerStream.DesktopName("web01"), ServerStream.Empty(-232), ServerStream.Empty(-258), ServerStream.Empty(-259), ServerStream.LedState());
        s.Update().Bell().ColourMap(3).CutText(5).CutText(9, extended: true).Fence(4).QemuAudio(0).QemuAudio(2, 10).EndOfContinuousUpdates();
        s.Update(s.Raw(2, 2), ServerStream.Empty(-224));
        return (format, s);
    }

    private static (RfbPixelFormat Format, ServerStream Stream) Completable(string bpp)
    {
        var (format, s) = Stream(bpp);
        s.Update(s.Raw(7, 5), ServerStream.CopyRect(), s.Rre(3), s.Rre(2, compact: true), s.Hextile(), s.Cursor(9, 3), ServerStream.XCursor(9, 3));
        s.Bell().ColourMap(3).CutText(5).Fence(4).QemuAudio(2, 10);
        s.Update(s.Raw(3, 1), ServerStream.DesktopSize(20, 10), s.Raw(1, 1));
        return (format, s);
    }

    private static (RfbPixelFormat, ServerStream) Stream(string bpp) => bpp switch
    {
        "32" => (RfbPixelFormat.Rgb888, new ServerStream(4, 3)),
        "16" => (Rgb565, new ServerStream(2, 2)),
        _ => (Bgr233, new ServerStream(1, 1)),
    };
}
