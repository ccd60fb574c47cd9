using XcpTunnel.Tests.EndToEnd.Peers;

namespace XcpTunnel.Tests.Demo;

/// <summary>What the simulator's test card looks like to a picture taken of it: eight colour bars across its top.</summary>
internal static class TestCard
{
    /// <summary>The bars, left to right.</summary>
    public static readonly RgbColour[] Bars =
        [.. new[] { "#ffffff", "#ffff00", "#00ffff", "#00ff00", "#ff00ff", "#ff0000", "#0000ff", "#000000" }.Select(RgbColour.Parse)];

    /// <summary>The bars no page chrome is drawn in: saturated colours, unlike the white and black around them.</summary>
    public static IEnumerable<RgbColour> SaturatedBars => Bars[1..^1];

    /// <summary>Each bar's colour at its centre, and each bar's colour covering a fair share of the screen.</summary>
    public static void AssertShowsTheBars(RgbImage image, int tolerance, string what)
    {
        ArgumentNullException.ThrowIfNull(image);
        for (var bar = 0; bar < Bars.Length; bar++)
        {
            var x = (bar * image.Width / Bars.Length) + (image.Width / (2 * Bars.Length));
            Assert.True(image[x, image.Height / 4].IsNear(Bars[bar], tolerance), $"{what}: bar {bar} at x={x} is {image[x, image.Height / 4]}, expected {Bars[bar]}; {image.Describe()}");
            Assert.True(image.FractionNear(Bars[bar], tolerance) >= 0.04, $"{what}: too little {Bars[bar]}; {image.Describe()}");
        }
    }
}
