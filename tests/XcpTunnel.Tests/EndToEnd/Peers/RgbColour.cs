using System.Globalization;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>An 8-bit-per-channel colour, written the way xsetroot and X colour names take it: <c>#rrggbb</c>.</summary>
internal readonly record struct RgbColour(byte R, byte G, byte B)
{
    public static RgbColour Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != 7 || text[0] != '#' ||
            !uint.TryParse(text.AsSpan(1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{text}' is not a colour of the form #rrggbb");
        }

        return new RgbColour((byte)(value >> 16), (byte)(value >> 8), (byte)value);
    }

    /// <summary>True when every channel differs from <paramref name="other"/> by at most <paramref name="tolerance"/>.</summary>
    public bool IsNear(RgbColour other, int tolerance) =>
        Math.Abs(R - other.R) <= tolerance && Math.Abs(G - other.G) <= tolerance && Math.Abs(B - other.B) <= tolerance;

    public override string ToString() => $"#{R:x2}{G:x2}{B:x2}";
}
