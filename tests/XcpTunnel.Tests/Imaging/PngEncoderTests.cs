using XcpTunnel.Imaging;
using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Imaging;

/// <summary>PNGs are checked by a real decoder (netpbm's pngtopnm, which verifies CRCs and zlib), pixel for pixel.</summary>
public sealed class PngEncoderTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(640, 384)]
    public async Task Encode_DecodedByPngToPnm_SamePixels(int width, int height)
    {
        var pixels = new uint[width * height];
        var random = new Random(width * 31 + height);
        for (var i = 0; i < pixels.Length; i++)
        {
            // Flat runs and noise both: the Sub filter's wrap-around arithmetic is exercised either way.
            pixels[i] = i % 5 == 0 ? (uint)random.Next(0, 0x1000000) : 0xFF8000;
        }

        var image = await DecodeAsync(PngEncoder.Encode(width, height, pixels));

        Assert.Equal((width, height), (image.Width, image.Height));
        for (var i = 0; i < pixels.Length; i++)
        {
            var expected = new RgbColour((byte)(pixels[i] >> 16), (byte)(pixels[i] >> 8), (byte)pixels[i]);
            Assert.Equal(expected, image[i % width, i / width]);
        }
    }

    [Fact]
    public void Encode_WrongPixelCount_Refused()
    {
        Assert.Throws<ArgumentException>(() => PngEncoder.Encode(2, 2, new uint[3]));
    }

    private static async Task<RgbImage> DecodeAsync(byte[] png)
    {
        using var directory = TemporaryDirectory.Create("xcptunnel-png-");
        var path = directory.File("image.png");
        await File.WriteAllBytesAsync(path, png);
        return await NetPbm.DecodeAsync(path, CancellationToken.None);
    }
}
