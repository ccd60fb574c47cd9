namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>Decodes captured screenshots with Debian's netpbm, so the tests need no image library of their own.</summary>
internal static class NetPbm
{
    private static readonly TimeSpan DecodeTimeout = TimeSpan.FromSeconds(20);

    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0d, 0x0a, 0x1a, 0x0a];

    private static ReadOnlySpan<byte> JpegSignature => [0xff, 0xd8, 0xff];

    /// <summary>Decodes a PNG (pngtopnm) or JPEG (jpegtopnm) file, chosen by its signature, not its name.</summary>
    public static async Task<RgbImage> DecodeAsync(string path, CancellationToken cancellationToken)
    {
        var head = new byte[8];
        int length;
        await using (var file = File.OpenRead(path))
        {
            length = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        }

        var signature = head.AsSpan(0, length);
        var decoder = signature.StartsWith(PngSignature) ? PeerProgram.PngToPnm
            : signature.StartsWith(JpegSignature) ? PeerProgram.JpegToPnm
            : throw new FormatException($"{path} is neither PNG nor JPEG (starts with {Convert.ToHexString(signature)})");

        return await DecodeWithAsync(decoder, path, cancellationToken);
    }

    /// <summary>Decodes <paramref name="path"/> with a given netpbm converter (e.g. xwdtopnm for an X window dump).</summary>
    public static async Task<RgbImage> DecodeWithAsync(PeerProgram decoder, string path, CancellationToken cancellationToken)
    {
        var result = await Processes.RunAsync(new ProcessSpec(decoder.Require(), [path]), DecodeTimeout, cancellationToken);
        try
        {
            return RgbImage.ParsePpm(result.StandardOutputBytes);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{result.CommandLine}: {e.Message}", e);
        }
    }

    /// <summary>Runs one netpbm converter over files and writes what it prints to <paramref name="output"/>, which it returns.</summary>
    public static async Task<string> ConvertAsync(PeerProgram converter, string[] arguments, string output, CancellationToken cancellationToken)
    {
        var result = await Processes.RunAsync(new ProcessSpec(converter.Require(), arguments), DecodeTimeout, cancellationToken);
        await File.WriteAllBytesAsync(output, result.StandardOutputBytes, cancellationToken);
        return output;
    }
}
