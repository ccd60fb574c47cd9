namespace XcpTunnel.Tests.EndToEnd.Peers;

/// <summary>
/// Reads the text on a screenshot (an 8-bit PPM) with Debian's tesseract. The dump is enlarged three times first:
/// dialog fonts are 11–13 px, which tesseract reads with dropped quotes and words at 1×, and reliably at 3×.
/// </summary>
internal static class Ocr
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    public static async Task<string> ReadAsync(string ppm, TemporaryDirectory scratch, CancellationToken cancellationToken)
    {
        var enlarged = await NetPbm.ConvertAsync(PeerProgram.PamScale, ["3", ppm], scratch.File("screen-3x.ppm"), cancellationToken);
        var grey = await NetPbm.ConvertAsync(PeerProgram.PpmToPgm, [enlarged], scratch.File("screen-3x.pgm"), cancellationToken);
        var result = await Processes.RunAsync(
            new ProcessSpec(PeerProgram.Tesseract.Require(), [grey, "stdout", "-l", "eng"])
            {
                // One thread: the CI machine has two cores, shared with the viewer under test.
                Environment = new Dictionary<string, string?> { ["OMP_THREAD_LIMIT"] = "1" },
            },
            StepTimeout,
            cancellationToken);
        return result.StandardOutput;
    }
}
