using System.Globalization;
using System.Text;

namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>A decoded screenshot: <see cref="Rgb"/> holds Width × Height pixels, three bytes each, row by row.</summary>
internal sealed class RgbImage
{
    /// <summary>Larger than any console the tests capture; stops a corrupt header from allocating gigabytes.</summary>
    public const int MaxDimension = 16384;

    public RgbImage(int width, int height, byte[] rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Length != width * height * 3)
        {
            throw new ArgumentException($"{width}x{height} needs {width * height * 3} bytes of RGB, got {rgb.Length}", nameof(rgb));
        }

        Width = width;
        Height = height;
        Rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Rgb { get; }

    public RgbColour this[int x, int y]
    {
        get
        {
            var offset = ((y * Width) + x) * 3;
            return new RgbColour(Rgb[offset], Rgb[offset + 1], Rgb[offset + 2]);
        }
    }

    // Binary PPM, netpbm's ppm(5):
    //
    //   "P6" ws width ws height ws maxval ONE-ws raster
    //
    //   ws      one or more of blank, TAB, CR, LF; anywhere before the single whitespace that ends the
    //           header, '#' up to the next CR or LF is a comment
    //   raster  height rows of width pixels, R G B, one byte each when maxval < 256
    //
    // Only maxval 255 is accepted: that is what pngtopnm and jpegtopnm write for 8-bit images, and a
    // different one would mean the capture was not what the test thinks it is. A stream may hold more
    // images after the first; they are ignored.
    public static RgbImage ParsePpm(byte[] ppm)
    {
        ArgumentNullException.ThrowIfNull(ppm);
        if (ppm.Length < 2 || ppm[0] != (byte)'P' || ppm[1] != (byte)'6')
        {
            throw new FormatException($"not a binary PPM: the magic is '{Printable(ppm.AsSpan(0, Math.Min(2, ppm.Length)))}', not 'P6'");
        }

        var position = 2;
        var width = ReadHeaderNumber(ppm, ref position, "width");
        var height = ReadHeaderNumber(ppm, ref position, "height");
        var maxval = ReadHeaderNumber(ppm, ref position, "maxval");
        if (width is 0 or > MaxDimension || height is 0 or > MaxDimension)
        {
            throw new FormatException($"PPM size {width}x{height} is outside 1..{MaxDimension}");
        }

        if (maxval != 255)
        {
            throw new FormatException($"PPM maxval is {maxval}; only 255 (8 bits per channel) is supported");
        }

        if (position >= ppm.Length || !IsWhitespace(ppm[position]))
        {
            throw new FormatException("PPM header does not end in a single whitespace character after maxval");
        }

        position++;
        var length = width * height * 3;
        if (ppm.Length - position < length)
        {
            throw new FormatException($"PPM raster for {width}x{height} needs {length} bytes, the file has {ppm.Length - position}");
        }

        return new RgbImage(width, height, ppm.AsSpan(position, length).ToArray());
    }

    /// <summary>The share of pixels (0..1) whose every channel is within <paramref name="tolerance"/> of <paramref name="colour"/>.</summary>
    public double FractionNear(RgbColour colour, int tolerance)
    {
        var near = 0;
        for (var offset = 0; offset < Rgb.Length; offset += 3)
        {
            if (new RgbColour(Rgb[offset], Rgb[offset + 1], Rgb[offset + 2]).IsNear(colour, tolerance))
            {
                near++;
            }
        }

        return (double)near / (Width * Height);
    }

    /// <summary>Size and the most common colours, for assertion messages: a wrong capture should say what it showed.</summary>
    public string Describe(int colours = 3)
    {
        var counts = new Dictionary<RgbColour, int>();
        for (var offset = 0; offset < Rgb.Length; offset += 3)
        {
            var pixel = new RgbColour(Rgb[offset], Rgb[offset + 1], Rgb[offset + 2]);
            counts[pixel] = counts.GetValueOrDefault(pixel) + 1;
        }

        var common = counts
            .OrderByDescending(pair => pair.Value)
            .Take(colours)
            .Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {100.0 * pair.Value / (Width * Height):0.0} %"));
        return $"{Width}x{Height}, most common: {string.Join(", ", common)}";
    }

    private static int ReadHeaderNumber(byte[] ppm, ref int position, string field)
    {
        var sawSeparator = false;
        while (position < ppm.Length)
        {
            if (IsWhitespace(ppm[position]))
            {
                sawSeparator = true;
                position++;
            }
            else if (ppm[position] == (byte)'#')
            {
                sawSeparator = true;
                while (position < ppm.Length && ppm[position] is not ((byte)'\n' or (byte)'\r'))
                {
                    position++;
                }
            }
            else
            {
                break;
            }
        }

        if (!sawSeparator)
        {
            throw new FormatException($"PPM {field} is not preceded by whitespace");
        }

        var value = 0L;
        var start = position;
        while (position < ppm.Length && ppm[position] is >= (byte)'0' and <= (byte)'9')
        {
            value = Math.Min((value * 10) + (ppm[position] - '0'), int.MaxValue);
            position++;
        }

        if (position == start)
        {
            var found = position < ppm.Length ? $"'{Printable(ppm.AsSpan(position, 1))}'" : "the end of the file";
            throw new FormatException($"PPM {field} expected, found {found}");
        }

        return (int)value;
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7f)
            {
                text.Append((char)b);
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}");
            }
        }

        return text.ToString();
    }
}
