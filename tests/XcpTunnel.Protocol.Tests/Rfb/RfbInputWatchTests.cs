using System.Text;
using Microsoft.Extensions.Time.Testing;
using XcpTunnel.Protocol.Rfb;
using XcpTunnel.Simulator.Connect;

namespace XcpTunnel.Protocol.Tests.Rfb;

/// <summary>
/// xapi 26.1's idle rules, held against both implementations: the client's (which recognises the pool's close) and
/// the simulated pool's (which enforces it). They are written apart on purpose; these cases keep them in agreement.
/// </summary>
public abstract class InputWatchTests
{
    private static readonly byte[] Version33 = Encoding.ASCII.GetBytes("RFB 003.003\n");
    private static readonly byte[] ClientInit = [1];
    private static readonly byte[] SetPixelFormat = [0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0];
    private static readonly byte[] SetEncodings = [2, 0, 0, 2, 0, 0, 0, 16, 0, 0, 0, 0];
    private static readonly byte[] UpdateRequest = [3, 1, 0, 0, 0, 0, 2, 128, 1, 128];
    private static readonly byte[] Key = [4, 1, 0, 0, 0, 0, 0, 97];
    private static readonly byte[] Pointer = [5, 1, 0, 10, 0, 20];
    private static readonly byte[] CutText = [6, 0, 0, 0, 0, 0, 0, 3, (byte)'a', (byte)'b', (byte)'c'];
    private static readonly byte[] QemuKey = [255, 0, 0, 1, 0, 0, 0, 97, 0, 0, 0, 30];
    private static readonly byte[] XenScancode = [254, 0, 0, 0, 0, 0, 0, 30];

    public static TheoryData<string, byte[], bool> Streams => new()
    {
        { "updates only", [.. Version33, .. ClientInit, .. SetPixelFormat, .. SetEncodings, .. UpdateRequest, .. CutText, .. XenScancode, .. UpdateRequest], false },
        { "a key", [.. Version33, .. ClientInit, .. SetEncodings, .. Key, .. UpdateRequest], true },
        { "a pointer", [.. Version33, .. ClientInit, .. UpdateRequest, .. Pointer], true },
        { "a QEMU key", [.. Version33, .. ClientInit, .. QemuKey, .. UpdateRequest], true },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void Observe_SplitAtEveryPoint_SeesInputOnlyInKeyPointerAndQemuMessages(string what, byte[] bytes, bool input)
    {
        for (var split = 0; split <= bytes.Length; split++)
        {
            var time = new FakeTimeProvider();
            var watch = Create(time);
            time.Advance(TimeSpan.FromMinutes(5));

            watch.Observe(bytes[..split]);
            watch.Observe(bytes[split..]);

            Assert.True(watch.Following(), $"{what}, split at {split}");
            Assert.Equal(input ? TimeSpan.Zero : TimeSpan.FromMinutes(5), watch.SinceLastInput());
        }
    }

    [Fact]
    public void Observe_OneByteAtATime_FollowsToo()
    {
        var time = new FakeTimeProvider();
        var watch = Create(time);
        time.Advance(TimeSpan.FromSeconds(30));

        foreach (var b in (byte[])[.. Version33, .. ClientInit, .. CutText, .. SetEncodings, .. Pointer])
        {
            watch.Observe([b]);
        }

        Assert.True(watch.Following());
        Assert.Equal(TimeSpan.Zero, watch.SinceLastInput());
    }

    [Theory]
    [InlineData("RFB 003.008\n")]
    [InlineData("RFB 003.007\n")]
    [InlineData("RFB 003.889\n")]
    public void Observe_NotA33Handshake_NotFollowed(string version)
    {
        var watch = Create(new FakeTimeProvider());

        watch.Observe([.. Encoding.ASCII.GetBytes(version), 1, .. Key]);

        Assert.False(watch.Following());
    }

    [Theory]
    [InlineData(new byte[] { 7, 0, 0, 0 })]
    [InlineData(new byte[] { 255, 1, 0, 0 })]
    public void Observe_AMessageItCannotMeasure_StopsFollowing(byte[] message)
    {
        var watch = Create(new FakeTimeProvider());

        watch.Observe([.. Version33, .. ClientInit, .. message]);

        Assert.False(watch.Following());
    }

    protected abstract Watch Create(TimeProvider time);

    protected sealed record Watch(Action<byte[]> Observe, Func<bool> Following, Func<TimeSpan> SinceLastInput);
}

public sealed class RfbInputWatchTests : InputWatchTests
{
    protected override Watch Create(TimeProvider time)
    {
        var watch = new RfbInputWatch(time);
        return new Watch(bytes => watch.Observe(bytes), () => watch.Following, () => watch.SinceLastInput);
    }
}

public sealed class SimulatorInputWatchTests : InputWatchTests
{
    protected override Watch Create(TimeProvider time)
    {
        var watch = new ConsoleInputWatch(time);
        return new Watch(bytes => watch.Observe(bytes), () => watch.Following, () => watch.SinceLastInput);
    }
}
